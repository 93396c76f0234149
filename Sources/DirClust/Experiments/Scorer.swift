/// BSS Eval for one scene: the references are correlated and factored once, then every estimate of the
/// scene is scored against them (`SourcesScorer` / `ImagesScorer`).
struct Scorer {
    struct Scores { var sdr, sir, sar: Double; var isr: Double? }

    private let sources: SourcesScorer?
    private let images: ImagesScorer?

    /// `sources`: references = the dry mono sources; `images`: references = the stereo source images.
    init(dry: [[Double]], images sceneImages: [AudioBuffer], metric: Metric) throws {
        if metric == .images {
            sources = nil
            images = try ImagesScorer(references: sceneImages.map(\.channels))
        } else {
            sources = try SourcesScorer(references: dry)
            images = nil
        }
    }

    /// Scores an estimate of source `target`: its mid signal (L+R)/2 for `sources`, its stereo image for `images`.
    func score(_ estimate: AudioBuffer, target: Int) throws -> Scores {
        if let images {
            let s = try images.score(estimate: estimate.channels, target: target)
            return Scores(sdr: s.sdr, sir: s.sir, sar: s.sar, isr: s.isr)
        }
        let s = try sources!.score(estimate: Self.mid(estimate), target: target)
        return Scores(sdr: s.sdr, sir: s.sir, sar: s.sar, isr: nil)
    }

    /// (L + R) / 2 of a stereo buffer (a mono buffer unchanged).
    static func mid(_ a: AudioBuffer) -> [Double] {
        guard a.channelCount == 2 else { return a.channels[0] }
        let l = a.channels[0], r = a.channels[1]
        var m = [Double](repeating: 0, count: l.count)
        for i in 0..<l.count { m[i] = 0.5 * (l[i] + r[i]) }
        return m
    }
}
