-- SPDX-License-Identifier: GPL-3.0-or-later
ardour {
	["type"]    = "dsp",
	name        = "camsep test mix",
	category    = "Utility",
	license     = "MIT",
	author      = "camsep tests",
	description = [[camsep test source (tests/test_ardour.sh): replaces its input with a 1.5 s mix of two harmonic voices, 440 Hz from 0.2 to 1.1 s and 146.8 Hz from 0.5 s, counted from instantiation. Bounced once to make the input region.]]
}

function dsp_ioconfig ()
	return { { audio_in = 1, audio_out = 1 } }
end

local pos = 0
local rate = 48000

function dsp_init (r)
	rate = r
	pos = 0
end

function dsp_run (ins, outs, n_samples)
	local o = outs[1]:array ()
	for i = 1, n_samples do
		local t = (pos + i - 1) / rate
		local v = 0
		if t > 0.2 and t < 1.1 then
			for h = 1, 7 do v = v + 0.2 / h * math.sin (2 * math.pi * h * 440 * t) end
		end
		if t > 0.5 then
			for h = 1, 9 do v = v + 0.15 / h * math.sin (2 * math.pi * h * 146.8 * t) end
		end
		o[i] = v
	end
	pos = pos + n_samples
end
