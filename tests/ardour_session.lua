-- SPDX-License-Identifier: GPL-3.0-or-later
-- camsep.lv2 in Ardour's headless Lua session tool (ardour7-lua), run by
-- tests/test_ardour.sh. Arguments: SESSION_DIR IN_F32 OUT_F32 INSTR_1 INSTR_2
--  1. a new 48 kHz session on the "None (Dummy)" backend;
--  2. the four camsep variants are listed by Ardour's plugin manager;
--  3. a mono track gets an input region: the "camsep test mix" Lua DSP
--     (tests/ardour_mix.lua) bounced (Track:bounce_range, the generator as
--     endpoint) to a session source, placed at 0 with region fades off;
--  4. camsep-2p is inserted (ARDOUR.LuaAPI.new_plugin), its instrument
--     controls set; Ardour must report its latency (1024 samples);
--  5. the track is bounced with the plugin as endpoint ("bounce with
--     processing", latency-compensated by Ardour): 3 channels out_1, out_2,
--     out_other, written raw (float32, channel after channel) to OUT_F32; the
--     input region to IN_F32. The shell compares them to camsep-process.
-- Any failed check raises a Lua error: ardour7-lua then exits non-zero.
local dir, in_path, out_path = arg[1], arg[2], arg[3]
local instr = { tonumber (arg[4]), tonumber (arg[5]) }
local rate, len = 48000, 72000
local uri = "urn:camsep:lv2:camsep-2p"

local function check (cond, msg) if not cond then error ("ardour_session: FAILED: " .. msg, 0) end end

-- Release builds hide the dummy backend; it needs no device and no display.
ARDOUR.config ():set_hide_dummy_backend (false)
local be = AudioEngine:set_backend ("None (Dummy)", "", "")
check (not be:isnil (), "no None (Dummy) backend")
check (create_session (dir, "camsep", rate), "create_session " .. dir)
print (string.format ("session: %s at %d Hz, backend %s, %d-sample periods",
	Session:name (), Session:nominal_sample_rate (), AudioEngine:current_backend_name (), be:buffer_size ()))

local listed = {}
for p in ARDOUR.LuaAPI.list_plugins ():iter () do
	if p.unique_id:find ("^urn:camsep:lv2:") then listed[p.unique_id] = p.name end
end
for _, v in ipairs ({ "2p", "3p", "4p", "6p" }) do
	check (listed["urn:camsep:lv2:camsep-" .. v], "plugin manager does not list camsep-" .. v)
end
print ("plugin manager: camsep-2p/3p/4p/6p listed (LV2)")

-- A mono track, input disconnected, inactive while the source is bounced so
-- that no process cycle advances the generator before the bounce.
local t = Session:new_audio_track (1, 2, nil, 1, "mix", ARDOUR.PresentationInfo.max_order,
	ARDOUR.TrackMode.Normal, true):front ()
check (t and not t:isnil (), "new_audio_track")
t:input ():disconnect_all (nil)
t:set_active (false, nil)
local gen = ARDOUR.LuaAPI.new_luaproc (Session, "camsep test mix")
check (not gen:isnil (), "Lua DSP 'camsep test mix' not found (scripts dir)")
check (t:add_processor_by_index (gen, 0, nil, true) == 0, "add generator")
local src = t:bounce_range (0, len, ARDOUR.InterThreadInfo (), gen, true, "mix-input")
check (not src:isnil (), "bounce of the generator")
check (t:remove_processor (gen, nil, true) == 0, "remove generator")
local sar = src:to_audioregion ()
sar:set_fade_in_active (false)
sar:set_fade_out_active (false)
t:playlist ():add_region (src, Temporal.timepos_t (0), 1, false)
t:set_active (true, nil)

local shm = ARDOUR.DSP.DspShm (len)
local function dump (region, path)
	local f = assert (io.open (path, "wb"))
	local ar = region:to_audioregion ()
	for c = 0, ar:n_channels () - 1 do
		check (ar:to_readable ():read (shm:to_float (0), 0, len, c) == len, "read region " .. region:name ())
		local a = shm:to_float (0):array ()
		local parts = {}
		for i = 1, len do parts[i] = string.pack ("<f", a[i]) end
		f:write (table.concat (parts))
	end
	f:close ()
	return ar:n_channels ()
end
dump (src, in_path)
print (string.format ("input region: %s, %d samples at 0", src:name (), src:length ():samples ()))

-- The plugin, pre-fader, first on the track.
local proc = ARDOUR.LuaAPI.new_plugin (Session, uri, ARDOUR.PluginType.LV2, "")
check (not proc:isnil (), "new_plugin " .. uri)
check (t:add_processor_by_index (proc, 0, nil, true) == 0, "add camsep to the track")
local pi = proc:to_insert ()
local plug = pi:plugin (0)
local ctl = {}
for j = 0, plug:parameter_count () - 1 do
	local id, refs = plug:nth_parameter (j, false)
	if refs[2] then ctl[plug:parameter_label (id)] = j end
end
local function get (label)
	check (ctl[label], "no control '" .. label .. "'")
	local v = ARDOUR.LuaAPI.get_plugin_insert_param (pi, ctl[label], false)
	return v
end
for k = 1, 2 do
	local label = "Player " .. k .. " instrument"
	check (ctl[label], "no control '" .. label .. "'")
	check (ARDOUR.LuaAPI.set_plugin_insert_param (pi, ctl[label], instr[k]), "set " .. label)
end
print (string.format ("%s: %d in, %d out; instruments %g, %g", plug:name (),
	pi:input_streams ():n_audio (), pi:output_streams ():n_audio (), get ("Player 1 instrument"), get ("Player 2 instrument")))
check (pi:output_streams ():n_audio () == 3, "expected 3 outputs (out_1, out_2, out_other)")

-- Latency: the plugin's latency port, and what Ardour compensates.
ARDOUR.LuaAPI.usleep (200000)
local lat_port, lat_proc, lat_eff, lat_route = get ("Latency"), proc:signal_latency (),
	proc:to_latent ():effective_latency (), t:signal_latency ()
print (string.format ("latency: port %g, processor %d, effective %d, route %d samples",
	lat_port, lat_proc, lat_eff, lat_route))
check (lat_port == 1024 and lat_proc == 1024 and lat_eff == 1024 and lat_route == 1024,
	"latency not 1024 samples at 48 kHz")

-- Bounce with processing up to and including the plugin.
check (t:bounceable (proc, true), "track not bounceable through camsep")
local res = t:bounce_range (0, len, ARDOUR.InterThreadInfo (), proc, true, "mix-camsep")
check (not res:isnil (), "bounce through camsep")
local nch = dump (res, out_path)
print (string.format ("bounce: %s, %d channels, %d samples", res:name (), nch, res:length ():samples ()))
check (nch == 3 and res:length ():samples () == len, "bounced region shape")
local d1, d2 = get ("Player 1 dictionary in use"), get ("Player 2 dictionary in use")
print (string.format ("dictionaries in use: %g, %g", d1, d2))
check (d1 == instr[1] and d2 == instr[2], "the plugin does not use the instruments set")

check (Session:save_state ("", false, false, false, false, false) == 0, "save_state")
print ("ardour_session: ok")
