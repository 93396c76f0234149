#!/usr/bin/env python3
"""Renders examples/chorale-mix.wav: the first 6 s of Bach's chorale BWV 66.6 (experiments/midi) with
each voice on its own General MIDI instrument, panned to its own direction with constant-power gains
(left = cos(phi) * s, right = sin(phi) * s, so the voice sits at theta = phi), summed, and peak-normalised
to 0.5, as 16-bit PCM at 22.05 kHz.

Offline generator (run once, output committed; tests and CI never run it). Needs numpy, scipy, mido and
libfluidsynth (through ctypes) with the FluidR3 GM SoundFont:
    python3 examples/make_example.py
Deterministic: dry rendering (reverb and chorus off), a fresh synth per voice.
"""
import ctypes
import pathlib

import mido
import numpy as np
import scipy.io.wavfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MIDI = ROOT / "experiments" / "midi" / "bwv66.6.mid"
OUT = ROOT / "examples" / "chorale-mix.wav"
SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
RATE = 22050
SECONDS = 6.0
# voice track -> (GM program, 0-based; direction phi in degrees: 0 = left, 45 = centre, 90 = right)
VOICES = {1: (73, 45.0),   # soprano: flute, centre (the target in the README)
          2: (0, 20.0),    # alto: piano, left of centre
          3: (57, 65.0),   # tenor: trombone, right of centre
          4: (71, 80.0)}   # bass: clarinet, far right

fs = ctypes.CDLL("libfluidsynth.so.3")
fs.new_fluid_settings.restype = ctypes.c_void_p
fs.new_fluid_synth.restype = ctypes.c_void_p
fs.new_fluid_synth.argtypes = [ctypes.c_void_p]
fs.fluid_settings_setint.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
fs.fluid_settings_setnum.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]
fs.fluid_synth_sfload.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
fs.fluid_synth_program_select.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
fs.fluid_synth_noteon.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int]
fs.fluid_synth_noteoff.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
fs.fluid_synth_write_float.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                       ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
fs.delete_fluid_synth.argtypes = [ctypes.c_void_p]
fs.delete_fluid_settings.argtypes = [ctypes.c_void_p]


def check(result, what):
    if result == -1:
        raise RuntimeError(f"libfluidsynth: {what} failed")
    return result


def render_voice(track, program):
    """The dry mono rendering (L + R of the synth) of one voice track, SECONDS long."""
    midi = mido.MidiFile(MIDI)
    tempo = 500000
    events, tick = [], 0
    for msg in mido.merge_tracks([midi.tracks[0], midi.tracks[track]]):
        tick += msg.time
        if msg.type == "set_tempo":
            tempo = msg.tempo
        if msg.type in ("note_on", "note_off"):
            events.append((mido.tick2second(tick, midi.ticks_per_beat, tempo), msg))
    settings = fs.new_fluid_settings()
    for key, value in [(b"synth.reverb.active", 0), (b"synth.chorus.active", 0), (b"synth.cpu-cores", 1)]:
        check(fs.fluid_settings_setint(settings, key, value), key.decode())
    check(fs.fluid_settings_setnum(settings, b"synth.sample-rate", float(RATE)), "sample-rate")
    synth = fs.new_fluid_synth(settings)
    font = check(fs.fluid_synth_sfload(synth, SOUNDFONT.encode(), 1), "sfload")
    check(fs.fluid_synth_program_select(synth, 0, font, 0, program), "program_select")
    total = int(SECONDS * RATE)
    left = np.zeros(total, np.float32)
    right = np.zeros(total, np.float32)
    done = 0

    def advance(until):
        nonlocal done
        n = min(until, total) - done
        if n > 0:
            fs.fluid_synth_write_float(synth, n, left.ctypes.data, done, 1, right.ctypes.data, done, 1)
            done += n

    for seconds, msg in events:
        advance(int(round(seconds * RATE)))
        if msg.type == "note_on" and msg.velocity > 0:
            check(fs.fluid_synth_noteon(synth, 0, msg.note, msg.velocity), "noteon")
        else:
            fs.fluid_synth_noteoff(synth, 0, msg.note)
    advance(total)
    fs.delete_fluid_synth(synth)
    fs.delete_fluid_settings(settings)
    return left.astype(np.float64) + right.astype(np.float64)


def main():
    mix = np.zeros((int(SECONDS * RATE), 2))
    for track, (program, phi) in VOICES.items():
        s = render_voice(track, program)
        s /= np.sqrt(np.mean(s ** 2))  # equal loudness per voice
        g = np.deg2rad(phi)
        mix[:, 0] += np.cos(g) * s
        mix[:, 1] += np.sin(g) * s
    mix *= 0.5 / np.max(np.abs(mix))
    scipy.io.wavfile.write(OUT, RATE, np.round(mix * 32767).astype(np.int16))
    print(f"wrote {OUT.relative_to(ROOT)}: {SECONDS} s, {RATE} Hz, voices at "
          + ", ".join(f"{phi:g} deg" for _, phi in VOICES.values()))


if __name__ == "__main__":
    main()
