#!/usr/bin/env python3
"""Export four-voice Bach chorales from the music21 corpus as one-track-per-voice MIDI files.

Offline generator (run once, output committed; CI never runs it):

    python3 scripts/export_chorales.py            # writes experiments/midi/*.mid, training/, manifest.json

Two sets of pieces, chosen deterministically (the same corpus gives the same files, byte for byte):

- the eight ORIGINAL chorales (the first release's pieces, at TEMPO_QPM; their files are unchanged), and
- SELECTED chorales: every other four-voice chorale of the corpus that passes the checks below, taken in
  rounds over key signatures (flattest first; within one key signature in BWV order) so the keys spread,
  each at a tempo from TEMPI in turn, so the tempi spread. The first NEW_EVALUATION of them join the
  original eight in the evaluation set ("evaluation": 24 pieces); the next HELD_BACK form the held-back set
  ("heldback"), used only to choose defaults (e.g. the number of EM restarts), never to report results.

Every file written is a format-1 Standard MIDI File, 480 ticks per quarter note, one fixed tempo:

    track 0  conductor: tempo, time signature (no notes)
    track 1  soprano   (MIDI channel 0)
    track 2  alto      (MIDI channel 1)
    track 3  tenor     (MIDI channel 2)
    track 4  bass      (MIDI channel 3)

Each voice track carries a program change to its default GM instrument (flute 73, piano 0, trombone 57,
clarinet 71, 0-based), but dirclust's renderer ignores the file's programs and sets its own.
Notes use one velocity; tied notes are merged. Every voice must sound during at least MIN_COVERAGE of the
first CHECK_SECONDS seconds at the piece's tempo (so every voice plays most of any 10–15 s excerpt from the
start) with no rest longer than MAX_GAP there, and the piece must last at least MIN_SECONDS: an original chorale that fails stops the script, a
candidate that fails is skipped.

training/scales.mid: a conductor track and ONE note track: a chromatic scale up then down over the union
of all exported voices' ranges (at least two octaves), for learning supervised NMF bases from notes
that are not the test pieces.

The Bach chorales (J. S. Bach, 1685-1750) are in the public domain; music21's encodings are distributed
with its corpus. The generated MIDI files are public domain.
"""
import hashlib
import json
import re
import sys
import warnings
from pathlib import Path

import mido
from music21 import corpus, key, meter

warnings.filterwarnings("ignore")

# The first release's pieces: well-known four-voice chorales in which all four voices sound through the first 15 s.
CHORALES = ["bwv66.6", "bwv4.8", "bwv7.7", "bwv40.8", "bwv65.7", "bwv86.6", "bwv267", "bwv347"]
NEW_EVALUATION = 16          # selected chorales that join the original eight in the evaluation set (24 in all)
HELD_BACK = 8                # selected chorales held back for choosing defaults
TEMPI = [72, 84, 96, 108, 120]  # quarter notes per minute, given to the selected chorales in turn
MIN_SECONDS = 20.0
MAX_GAP = 0.5                # longest rest (s) a voice may have in the first CHECK_SECONDS seconds
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


def conductor_track(numerator, denominator, qpm=TEMPO_QPM):
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name="conductor", time=0))
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(qpm), time=0))
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


def coverage(notes, seconds, qpm):
    """Fraction of [0, seconds) during which at least one note of the voice sounds, at qpm quarters a minute."""
    per_tick = 60.0 / qpm / TICKS_PER_QUARTER
    intervals = sorted((s * per_tick, e * per_tick) for s, e, _ in notes)
    covered, reach = 0.0, 0.0
    for s, e in intervals:
        s, e = max(s, reach), min(e, seconds)
        if e > s:
            covered += e - s
            reach = e
    return covered / seconds


def longest_gap(notes, seconds, qpm):
    """Longest stretch of [0, seconds) in which the voice sounds no note, at qpm quarters a minute."""
    per_tick = 60.0 / qpm / TICKS_PER_QUARTER
    gap, reach = 0.0, 0.0
    for s, e in sorted((s * per_tick, e * per_tick) for s, e, _ in notes):
        if s >= seconds:
            break
        gap, reach = max(gap, s - reach), max(reach, e)
    return max(gap, seconds - reach)


def save(midi, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Rejected(Exception):
    """A chorale that does not meet the checks (a reason in the message)."""


def export(name, qpm):
    """The piece as a format-1 SMF at qpm (file name, manifest entry, MIDI object, voice pitch range);
    raises Rejected when a check fails."""
    score = corpus.parse(f"bach/{name}")
    parts = list(score.parts)
    if [p.partName for p in parts] != VOICES:
        raise Rejected(f"parts {[p.partName for p in parts]}, expected {VOICES}")
    signature = score.recurse().getElementsByClass(meter.TimeSignature).first()
    keysig = score.recurse().getElementsByClass(key.KeySignature).first()
    if signature is None or keysig is None:
        raise Rejected("no time or key signature")
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_QUARTER)
    midi.tracks.append(conductor_track(signature.numerator, signature.denominator, qpm))
    entry = {"name": name, "file": f"{name}.mid", "tempo_qpm": qpm, "key_signature_sharps": keysig.sharps, "voices": []}
    low, high = 127, 0
    for channel, (voice, part) in enumerate(zip(VOICES, parts)):
        try:
            notes = voice_notes(part)
        except SystemExit as e:
            raise Rejected(str(e))
        if not notes:
            raise Rejected(f"{voice} has no notes")
        cover = coverage(notes, CHECK_SECONDS, qpm)
        if cover < MIN_COVERAGE:
            raise Rejected(f"{voice} sounds only {cover:.0%} of the first {CHECK_SECONDS} s")
        gap = longest_gap(notes, CHECK_SECONDS, qpm)
        if gap > MAX_GAP:
            raise Rejected(f"{voice} rests {gap:.2f} s in the first {CHECK_SECONDS} s, at most {MAX_GAP} s allowed")
        pitches = [p for _, _, p in notes]
        low, high = min(low, *pitches), max(high, *pitches)
        midi.tracks.append(note_track(voice.lower(), channel, DEFAULT_PROGRAMS[voice], notes))
        entry["voices"].append({"track": channel + 1, "voice": voice.lower(), "notes": len(notes),
                                "lowest": min(pitches), "highest": max(pitches),
                                "coverage_first_15s": round(cover, 3)})
    seconds = max(sum(m.time for m in t) for t in midi.tracks[1:]) * 60.0 / qpm / TICKS_PER_QUARTER
    if seconds < MIN_SECONDS:
        raise Rejected(f"lasts {seconds:.1f} s, expected at least {MIN_SECONDS} s")
    entry["seconds"] = round(seconds, 3)
    entry["time_signature"] = f"{signature.numerator}/{signature.denominator}"
    return entry, midi, (low, high)


def bwv_order(name):
    """Sort key: BWV number, then movement (bwv4.8 before bwv40.8 before bwv267)."""
    numbers = [int(x) for x in re.findall(r"\d+", name)]
    return numbers, name


def select(candidates, count):
    """count chorales from candidates [(name, sharps)], in rounds over key signatures (flattest first), each
    key signature's pieces in BWV order; each gets the next tempo of TEMPI. Returns [(name, qpm, entry, midi)]."""
    by_key = {}
    for name, sharps in sorted(candidates, key=lambda c: bwv_order(c[0])):
        by_key.setdefault(sharps, []).append(name)
    queues = [by_key[k] for k in sorted(by_key)]
    chosen = []
    while len(chosen) < count and any(queues):
        for q in queues:
            while q and len(chosen) < count:
                name = q.pop(0)
                qpm = TEMPI[len(chosen) % len(TEMPI)]
                try:
                    entry, midi, _ = export(name, qpm)
                except Rejected as e:
                    print(f"  skip {name} at {qpm} qpm: {e}")
                    continue
                chosen.append((name, qpm, entry, midi))
                break
    if len(chosen) < count:
        raise SystemExit(f"only {len(chosen)} chorales pass the checks, expected {count}")
    return chosen


def main():
    manifest = {"ticks_per_quarter": TICKS_PER_QUARTER, "velocity": VELOCITY,
                "tracks": {"0": "conductor", "1": "soprano", "2": "alto", "3": "tenor", "4": "bass"},
                "default_programs": {v.lower(): p for v, p in DEFAULT_PROGRAMS.items()},
                "sets": {"evaluation": "the original eight and the first selected chorales: the pieces results are reported on",
                         "heldback": "selected chorales used only to choose defaults (restarts, counting), never to report results"},
                "pieces": []}
    low, high = 127, 0
    for name in CHORALES:
        try:
            entry, midi, (lo, hi) = export(name, TEMPO_QPM)
        except Rejected as e:
            raise SystemExit(f"{name}: {e}")
        low, high = min(low, lo), max(high, hi)
        entry["set"] = "evaluation"
        entry["sha256"] = save(midi, OUT / f"{name}.mid")
        manifest["pieces"].append(entry)
        print(f"{name}: {entry['seconds']:.1f} s at {TEMPO_QPM} qpm")

    # Candidates: every other chorale of the corpus (one file per BWV movement; '-sc' variants skipped).
    seen = set(CHORALES)
    candidates = []
    for path in sorted(corpus.getComposer("bach"), key=lambda p: bwv_order(p.stem)):
        name = path.stem
        if not re.fullmatch(r"bwv\d+(\.\d+)?", name) or name in seen:
            continue
        seen.add(name)
        try:
            score = corpus.parse(f"bach/{name}")
        except Exception:
            continue
        keysig = score.recurse().getElementsByClass(key.KeySignature).first()
        if keysig is not None and len(score.parts) == 4:
            candidates.append((name, keysig.sharps))
    print(f"{len(candidates)} candidate chorales")
    for i, (name, qpm, entry, midi) in enumerate(select(candidates, NEW_EVALUATION + HELD_BACK)):
        entry["set"] = "evaluation" if i < NEW_EVALUATION else "heldback"
        entry["sha256"] = save(midi, OUT / f"{name}.mid")
        manifest["pieces"].append(entry)
        for v in entry["voices"]:
            low, high = min(low, v["lowest"]), max(high, v["highest"])
        print(f"{name}: {entry['seconds']:.1f} s at {qpm} qpm, {entry['key_signature_sharps']:+d} sharps, {entry['set']}")

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
