import DirClust

/// The CI regression check: a candidate `trials.csv` against the committed baseline. A trial fails when
/// its SDR moved by more than the tolerance, or when it exists on one side only.
public struct RegressionReport: Sendable {
    public struct Moved: Sendable {
        public var key: TrialKey
        public var baseline: Double
        public var candidate: Double
    }
    public var tolerance: Double
    public var compared: Int
    public var moved: [Moved]
    public var missing: [TrialKey]
    public var added: [TrialKey]

    public var passed: Bool { moved.isEmpty && missing.isEmpty && added.isEmpty }

    /// The tolerance must be a finite number ≥ 0: NaN compares false with everything (so `nan` passed a
    /// +102.8 dB move), `inf` passes everything and a negative one fails everything.
    public static func validate(tolerance: Double) throws {
        guard tolerance.isFinite, tolerance >= 0 else {
            throw DirClustError("--tolerance \(tolerance) is invalid; expected a finite number of dB ≥ 0, e.g. 0.05 (0 demands identical SDRs)")
        }
    }

    public init(baseline: [TrialRecord], candidate: [TrialRecord], tolerance: Double) throws {
        try Self.validate(tolerance: tolerance)
        self.tolerance = tolerance
        let base = Dictionary(baseline.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let cand = Dictionary(candidate.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        missing = base.keys.filter { cand[$0] == nil }.sorted()
        added = cand.keys.filter { base[$0] == nil }.sorted()
        var moved: [Moved] = []
        var compared = 0
        for (k, b) in base {
            guard let c = cand[k] else { continue }
            compared += 1
            // Written so that a NaN difference counts as moved.
            if !(abs(c.sdr - b.sdr) <= tolerance) { moved.append(Moved(key: k, baseline: b.sdr, candidate: c.sdr)) }
        }
        self.moved = moved.sorted { $0.key < $1.key }
        self.compared = compared
    }

    /// A plain-text table of what moved (or the one-line all-clear).
    public var text: String {
        if passed {
            return "regression: all \(compared) trials within \(formatNumber(tolerance)) dB SDR of the baseline\n"
        }
        var s = "regression: \(moved.count) of \(compared) trials moved by more than \(formatNumber(tolerance)) dB SDR"
        s += missing.isEmpty ? "" : ", \(missing.count) missing"
        s += added.isEmpty ? "" : ", \(added.count) not in the baseline"
        s += "\n"
        if !moved.isEmpty {
            s += pad("scene", 40) + pad("method", 9) + pad("stage", 11) + pad("K", 4) + pad("baseline", 10) + pad("now", 10) + "change\n"
            for m in moved {
                s += pad(m.key.scene.sceneID, 40) + pad(m.key.method, 9) + pad(m.key.stage, 11) + pad(m.key.K, 4)
                    + pad(TrialTable.fixed(m.baseline), 10) + pad(TrialTable.fixed(m.candidate), 10)
                    + String(format: "%+.4f", m.candidate - m.baseline) + "\n"
            }
        }
        for k in missing.prefix(20) { s += "missing: " + k.columns.joined(separator: ",") + "\n" }
        for k in added.prefix(20) { s += "new:     " + k.columns.joined(separator: ",") + "\n" }
        s += "If the change is deliberate, run `make baseline` and commit results/ci/ saying why.\n"
        return s
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
