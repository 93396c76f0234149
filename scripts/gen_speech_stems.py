#!/usr/bin/env python3
"""Speech stems for dirclust's real-stems scenes, synthesised with Debian's espeak-ng (GPL-3 program; the
audio it speaks from our own text is ours to ship).

Each *trio* is a folder of three mono 16 kHz FLAC stems, one per "speaker": a different espeak-ng voice
(language + variant), pitch and speed reading a different text, 10 s each (sentences repeated until the
stem is long enough, then cut). Folder convention (see README, "Real stems"): one folder per piece, one
mono or stereo audio file per source, sources in file-name order.

Three splits with disjoint voices/texts/pitches, chosen by a seeded RNG per split:
  shipped  -> experiments/stems/speech-<n>/  (the config configs/stems-speech.json; committed, ~1 MB)
  dev      -> DIR/dev/speech-<n>/            (tuning the counting defaults; not committed)
  heldout  -> DIR/heldout/speech-<n>/        (never tuned on; the final check; not committed)
  tune     -> DIR/tune/speech-<n>/           (a second tuning split, for the issue-16 follow-up; not committed)

Usage: scripts/gen_speech_stems.py shipped            # writes experiments/stems/
       scripts/gen_speech_stems.py dev DIR [--count N]
       scripts/gen_speech_stems.py heldout DIR [--count N]
       scripts/gen_speech_stems.py tune DIR [--count N]
Needs: espeak-ng, flac (apt), numpy, scipy. Deterministic: espeak-ng's output depends only on its inputs.
"""
import argparse
import os
import random
import subprocess
import tempfile

import numpy as np
import scipy.io.wavfile as wavfile
from scipy.signal import resample_poly

RATE = 16000
SECONDS = 10.0

TEXTS = {
    "en": ["The old lighthouse keeper counted the ships that passed in the night, one by one.",
           "Bring the red umbrella, because the clouds over the hills look heavy with rain.",
           "Seven musicians walked into the hall carrying violins, drums and a golden horn.",
           "After the long winter the river melted and the children ran down to the water.",
           "Please write the numbers on the blackboard before the lesson starts tomorrow morning.",
           "A quiet wind moved through the wheat fields while the farmer repaired the fence."],
    "de": ["Der alte Zug fuhr langsam durch die Berge und hielt an jedem kleinen Bahnhof.",
           "Im Garten wachsen Tomaten, Bohnen und Kartoffeln, die wir im Herbst ernten.",
           "Am Samstag treffen wir uns auf dem Marktplatz und kaufen frisches Brot."],
    "fr": ["Le petit chat dort sur la fenêtre pendant que la pluie tombe doucement sur la ville.",
           "Nous avons marché le long de la mer jusqu'au vieux phare au coucher du soleil.",
           "Le boulanger ouvre sa boutique très tôt et prépare des croissants chauds."],
    "es": ["El tren de la mañana llega a la estación central a las ocho en punto.",
           "Mi abuela cocina una sopa de verduras deliciosa todos los domingos.",
           "Los pájaros cantan en los árboles del parque cuando sale el sol."],
    "it": ["La piccola barca rossa attraversa il lago mentre il sole tramonta dietro le colline.",
           "Domani andremo al mercato per comprare frutta fresca e formaggio.",
           "Il professore ha spiegato la lezione con molta pazienza e chiarezza."],
    "nl": ["De fietser reed langs de grachten en stopte bij de oude brug.",
           "In de winter schaatsen de kinderen op het bevroren meer achter het dorp."],
    "pt": ["O vento forte levou as folhas secas pela rua até a praça da igreja.",
           "Amanhã cedo vamos visitar os nossos amigos que moram perto do rio."],
    "pl": ["Stary zegar na wieży wybija każdą godzinę głośno i wyraźnie.",
           "Na łące pasą się krowy, a w oddali słychać szczekanie psa."],
}
VOICES = {"en": ["en-us", "en-gb", "en-gb-scotland", "en-029"], "de": ["de"], "fr": ["fr-fr", "fr-be"],
          "es": ["es", "es-419"], "it": ["it"], "nl": ["nl"], "pt": ["pt", "pt-br"], "pl": ["pl"]}
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "klatt", "klatt2",
            "klatt3", "croak", "whisper"]
SEEDS = {"shipped": 16, "dev": 1601, "heldout": 1602, "tune": 1603}


def speak(voice, pitch, speed, text):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", path, text],
                       check=True, capture_output=True)
        rate, x = wavfile.read(path)
    x = x.astype(np.float64) / 32768.0
    return resample_poly(x, RATE, rate) if rate != RATE else x


def stem(rng, language):
    """One speaker: voice + variant, pitch, speed; sentences (with short pauses) until SECONDS long."""
    voice = rng.choice(VOICES[language]) + "+" + rng.choice(VARIANTS)
    pitch, speed = rng.randint(20, 80), rng.randint(130, 190)
    texts = TEXTS[language][:]
    rng.shuffle(texts)
    out, i = [], 0
    while sum(len(s) for s in out) < SECONDS * RATE:
        out.append(speak(voice, pitch, speed, texts[i % len(texts)]))
        out.append(np.zeros(int(rng.uniform(0.1, 0.5) * RATE)))
        i += 1
    x = np.concatenate(out)[: int(SECONDS * RATE)]
    return x / max(np.max(np.abs(x)), 1e-9) * 0.5, f"{voice} p{pitch} s{speed}"


def write_flac(path, x):
    wav = path[:-5] + ".wav"
    wavfile.write(wav, RATE, np.round(x * 32767).astype(np.int16))
    subprocess.run(["flac", "--silent", "--force", "--best", "-o", path, wav], check=True)
    os.remove(wav)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("split", choices=sorted(SEEDS))
    p.add_argument("root", nargs="?", default=None)
    p.add_argument("--count", type=int, default=None, help="trios (shipped 2, dev/heldout/tune 8)")
    p.add_argument("--speakers", type=int, default=3)
    a = p.parse_args()
    root = a.root or ("experiments/stems" if a.split == "shipped" else None)
    if root is None:
        p.error("dev/heldout/tune need an output folder")
    count = a.count or (2 if a.split == "shipped" else 8)
    base = root if a.split == "shipped" else os.path.join(root, a.split)
    rng = random.Random(SEEDS[a.split])
    for n in range(1, count + 1):
        folder = os.path.join(base, f"speech-{n}")
        os.makedirs(folder, exist_ok=True)
        languages = rng.sample(sorted(TEXTS), a.speakers)
        lines = []
        for i, language in enumerate(languages):
            x, desc = stem(rng, language)
            name = f"speaker{i + 1}-{language}"
            write_flac(os.path.join(folder, name + ".flac"), x)
            lines.append(f"{name}.flac: espeak-ng {desc}")
        with open(os.path.join(folder, "SOURCES.txt"), "w") as f:
            f.write("Synthesised by scripts/gen_speech_stems.py (%s split) with espeak-ng; 16 kHz mono, %g s.\n"
                    % (a.split, SECONDS) + "\n".join(lines) + "\n")
        print(folder, "; ".join(lines))


if __name__ == "__main__":
    main()
