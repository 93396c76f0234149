#!/usr/bin/env python3
"""Export four-voice Bach chorales from the music21 corpus as one-track-per-voice MIDI files.

Offline generator (run once, output committed; CI never runs it):

    python3 scripts/export_chorales.py            # writes experiments/midi/*.mid, training/, manifest.json

Every file written is a format-1 Standard MIDI File, 480 ticks per quarter note, fixed tempo TEMPO_QPM:

    track 0  conductor: tempo, time signature (no notes)
    track 1  soprano   (MIDI channel 0)
    track 2  alto      (MIDI channel 1)
    track 3  tenor     (MIDI channel 2)
    track 4  bass      (MIDI channel 3)

Each voice track carries a program change to its default GM instrument (flute 73, piano 0, trombone 57,
clarinet 71, 0-based), but dirclust's renderer ignores the file's programs and sets its own.
Notes use one velocity; tied notes are merged. The script checks that every voice sounds during at least
MIN_COVERAGE of the first CHECK_SECONDS seconds (so every voice plays most of any 10–15 s excerpt from the
start) and fails otherwise.

training/scales.mid: a conductor track and ONE note track: a chromatic scale up then down over the union
of all exported voices' ranges (at least two octaves), for learning supervised NMF bases from notes
that are not the test pieces.

The Bach chorales (J. S. Bach, 1685-1750) are in the public domain; music21's encodings are distributed
with its corpus. The generated MIDI files are public domain.
"""
import hashlib
import json
import sys
import warnings
from pathlib import Path

import mido
from music21 import corpus, meter

warnings.filterwarnings("ignore")

# The pieces: well-known four-voice chorales in which all four voices sound through the first 15 s.
CHORALES = ["bwv66.6", "bwv4.8", "bwv7.7", "bwv40.8", "bwv65.7", "bwv86.6", "bwv267", "bwv347"]
VOICES = ["Soprano", "Alto", "Tenor", "Bass"]
# GM programs (0-based) of the paper's instruments, soprano to bass: flute, piano, trombone, clarinet.
DEFAULT_PROGRAMS = {"Soprano": 73, "Alto": 0, "Tenor": 57, "Bass": 71}
TEMPO_QPM = 90
TICKS_PER_QUARTER = 480
VELOCITY = 80
CHECK_SECONDS = 15.0
MIN_COVERAGE = 0.9
SCALE_NOTE_QUARTERS = 1.0   # one scale step every quarter note (0.667 s at 90 qpm)
SCALE_GATE = 0.75           # the note sounds for 3/4 of its step, then a short rest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "experiments" / "midi"


def ticks(quarter_length):
    t = float(quarter_length) * TICKS_PER_QUARTER
    if abs(t - round(t)) > 1e-6:
        raise SystemExit(f"offset {quarter_length} quarters is not on the {TICKS_PER_QUARTER}-tick grid")
    return int(round(t))


def conductor_track(numerator, denominator):
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name="conductor", time=0))
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(TEMPO_QPM), time=0))
    track.append(mido.MetaMessage("time_signature", numerator=numerator, denominator=denominator, time=0))
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def note_track(name, channel, program, notes):
    """notes: list of (start_tick, end_tick, midi_pitch). Note-offs sort before note-ons at one tick."""
    events = []
    for start, end, pitch in notes:
        events.append((start, 1, mido.Message("note_on", channel=channel, note=pitch, velocity=VELOCITY)))
        events.append((end, 0, mido.Message("note_off", channel=channel, note=pitch, velocity=0)))
    events.sort(key=lambda e: (e[0], e[1], e[2].note))
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    track.append(mido.Message("program_change", channel=channel, program=program, time=0))
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def voice_notes(part):
    notes = []
    for n in part.stripTies().flatten().notes:
        if n.quarterLength <= 0:
            continue  # grace notes
        if n.isChord:
            raise SystemExit(f"{part.partName}: chords are not expected in a chorale voice")
        notes.append((ticks(n.offset), ticks(n.offset + n.quarterLength), n.pitch.midi))
    return notes


def coverage(notes, seconds):
    """Fraction of [0, seconds) during which at least one note of the voice sounds."""
    per_tick = 60.0 / TEMPO_QPM / TICKS_PER_QUARTER
    intervals = sorted((s * per_tick, e * per_tick) for s, e, _ in notes)
    covered, reach = 0.0, 0.0
    for s, e in intervals:
        s, e = max(s, reach), min(e, seconds)
        if e > s:
            covered += e - s
            reach = e
    return covered / seconds


def save(midi, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main():
    manifest = {"tempo_qpm": TEMPO_QPM, "ticks_per_quarter": TICKS_PER_QUARTER, "velocity": VELOCITY,
                "tracks": {"0": "conductor", "1": "soprano", "2": "alto", "3": "tenor", "4": "bass"},
                "default_programs": {v.lower(): p for v, p in DEFAULT_PROGRAMS.items()},
                "pieces": []}
    low, high = 127, 0
    for name in CHORALES:
        score = corpus.parse(f"bach/{name}")
        parts = list(score.parts)
        if [p.partName for p in parts] != VOICES:
            raise SystemExit(f"{name}: parts {[p.partName for p in parts]}, expected {VOICES}")
        signature = score.recurse().getElementsByClass(meter.TimeSignature).first()
        midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
        midi.tracks.append(conductor_track(signature.numerator, signature.denominator))
        entry = {"name": name, "file": f"{name}.mid", "voices": []}
        for channel, (voice, part) in enumerate(zip(VOICES, parts)):
            notes = voice_notes(part)
            cover = coverage(notes, CHECK_SECONDS)
            if cover < MIN_COVERAGE:
                raise SystemExit(f"{name} {voice}: sounds only {cover:.0%} of the first {CHECK_SECONDS} s")
            pitches = [p for _, _, p in notes]
            low, high = min(low, *pitches), max(high, *pitches)
            midi.tracks.append(note_track(voice.lower(), channel, DEFAULT_PROGRAMS[voice], notes))
            entry["voices"].append({"track": channel + 1, "voice": voice.lower(), "notes": len(notes),
                                    "lowest": min(pitches), "highest": max(pitches),
                                    "coverage_first_15s": round(cover, 3)})
        seconds = max(sum(m.time for m in t) for t in midi.tracks[1:]) * 60.0 / TEMPO_QPM / TICKS_PER_QUARTER
        entry["seconds"] = round(seconds, 3)
        entry["time_signature"] = f"{signature.numerator}/{signature.denominator}"
        entry["sha256"] = save(midi, OUT / f"{name}.mid")
        manifest["pieces"].append(entry)
        print(f"{name}: {seconds:.1f} s, voices cover {[v['coverage_first_15s'] for v in entry['voices']]}")

    # Training material: a chromatic pass up and down over the union of the voices' ranges (>= 2 octaves).
    if high - low < 24:
        extra = 24 - (high - low)
        low, high = low - extra // 2, high + (extra - extra // 2)
    ladder = list(range(low, high + 1)) + list(range(high - 1, low - 1, -1))
    step = ticks(SCALE_NOTE_QUARTERS)
    notes = [(i * step, i * step + int(step * SCALE_GATE), p) for i, p in enumerate(ladder)]
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    midi.tracks.append(conductor_track(4, 4))
    midi.tracks.append(note_track("scale", 0, 0, notes))
    scale_seconds = len(ladder) * SCALE_NOTE_QUARTERS * 60.0 / TEMPO_QPM
    manifest["training"] = {"file": "training/scales.mid", "track": 1, "lowest": low, "highest": high,
                            "notes": len(ladder), "seconds": round(scale_seconds, 3),
                            "sha256": save(midi, OUT / "training" / "scales.mid")}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    print(f"training/scales.mid: MIDI {low}..{high}, {len(ladder)} notes, {scale_seconds:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
