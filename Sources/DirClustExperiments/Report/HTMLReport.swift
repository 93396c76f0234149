import DirClust
import Foundation

/// How `writeReport` renders a run.
public struct ReportOptions: Sendable {
    /// Which trials the listening section plays (the run must have written their clips with the same settings).
    public var settings: ReportSettings
    public init(settings: ReportSettings = ReportSettings()) { self.settings = settings }
}

/// The report's file name inside the run directory.
public let reportFileName = "report.html"

/// Writes `report.html` into a finished run directory: the run's summary tables, its figure inline, its
/// provenance, and a listening section — per demo scene an `<audio>` player for the mixture, the target's
/// dry reference, the ideal binary mask and each method's clustering and after-NMF output, each with the
/// clip's own SDR (`ClipScores`: what is played) and the whole trial's SDR/SIR/SAR exactly as written in
/// `trials.csv`, labelled apart.
///
/// Plain HTML and CSS: no script, no network, only relative links (to `demo/…` and the run's files), so
/// the directory can be copied or served anywhere. Checks the run first (`ReportInputs`): an empty or
/// partial run throws a `DirClustError` naming the missing trials or clips and writes nothing. The page
/// is written atomically. Returns its path.
@discardableResult
public func writeReport(runDirectory: String, options: ReportOptions = ReportOptions()) throws -> String {
    let inputs = try ReportInputs.load(runDirectory: runDirectory, settings: options.settings)
    let path = "\(runDirectory)/\(reportFileName)"
    try writeAtomically(Data(HTMLReport(inputs).page().utf8), to: path)
    return path
}

/// The page itself, section by section.
struct HTMLReport {
    let inputs: ReportInputs
    init(_ inputs: ReportInputs) { self.inputs = inputs }

    var config: ExperimentConfig { inputs.config }
    /// The run's trials in key order: what the summary and pairs tables are computed from, as for `summary.md`.
    var records: [TrialRecord] { inputs.records.values.sorted { $0.key < $1.key } }

    func page() -> String {
        let title = "\(config.name): directional clustering report"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(markupEscape(title))</title>
        <style>
        \(Self.css)
        </style>
        </head>
        <body\(stages.count > 2 ? " class=\"wide\"" : "")>
        <header>
        <h1>\(markupEscape(title))</h1>
        <p class="meta">\(meta())</p>
        <nav><a href="#listening">Listening</a> ·  <a href="#figure">Figure</a> · <a href="#clustering">Clustering</a> · <a href="#summary">Summary</a> · <a href="#pairs">Paired comparisons</a> · <a href="#provenance">Provenance</a> · <a href="#files">Files</a></nav>
        </header>
        \(listening())
        <section id="figure">
        <h2>Figure</h2>
        <figure class="svg">\(inlineSVG(inputs.figureSVG))</figure>
        <p class="note">Mean SDR per method and angle; error bars: 95 % percentile-bootstrap interval of the mean over pieces (each piece's seeds averaged first). Also as <a href="figure.svg">figure.svg</a>.</p>
        </section>
        \(clustering())
        <section id="summary">
        \(Summary.document(records, config: config).droppingTitle.html)
        </section>
        <section id="pairs">
        <h2>Paired comparisons</h2>
        \(PairedStatistics.document(PairedStatistics.rows(records), config: config).droppingTitle.html)
        </section>
        \(provenance())
        \(files())
        </body>
        </html>

        """
    }

    func meta() -> String {
        let p = inputs.provenance
        let commit = String(p.gitCommit.prefix(12)) + (p.gitDirty ? " (modified)" : "")
        let pieces = Set(inputs.records.keys.map(\.scene.piece)).count
        return "config <code>\(markupEscape(String(p.configHash.prefix(12))))</code> · commit <code>\(markupEscape(commit))</code> · "
            + "\(pieces) piece\(pieces == 1 ? "" : "s") · \(inputs.plan.scenes.count) scenes · \(inputs.records.count) trials · "
            + "\(config.sampleRate / 1000) kHz, \(formatNumber(config.excerpt.seconds)) s excerpts · metric <code>\(config.metric.rawValue)</code>"
    }

    // MARK: listening

    /// Stages that have a column, in pipeline order (`clustering`, then `hybrid` = after NMF).
    var stages: [Stage] { Stage.allCases.filter(config.stages.contains) }

    static func stageTitle(_ stage: Stage) -> String {
        switch stage {
        case .hybrid: "after NMF"
        case .nmf: "NMF, no restoration"
        case .clustering: stage.rawValue
        }
    }

    func listening() -> String {
        // Plan order (piece, layout, angle), but the conditions as the config lists them (overK before noise).
        let conditionOrder = config.conditions.map(\.name)
        let scenes = inputs.plan.scenes.filter(inputs.demo.includes).enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            guard x.piece == y.piece, x.layout == y.layout, x.angleDeg == y.angleDeg else { return a.offset < b.offset }
            return lexicographicLess([compareRank(x.condition.name, y.condition.name, conditionOrder), a.offset < b.offset ? -1 : 1])
        }.map(\.element)
        var s = "<section id=\"listening\">\n<h2>Listening</h2>\n"
        guard !scenes.isEmpty else {
            return s + "<p class=\"note\">No demo audio in this run (<code>report.demoPieces</code> = 0).</p>\n</section>"
        }
        let d = inputs.demo
        let clipSeconds = min(d.settings.demoSeconds, config.excerpt.seconds)
        s += "<p class=\"note\">Piece\(d.pieces.count > 1 ? "s" : "") \(d.pieces.map { "<code>\(markupEscape($0))</code>" }.joined(separator: ", ")): "
        s += "the first \(formatNumber(clipSeconds)) s of each scene, 16-bit \(d.settings.audioFormat.rawValue.uppercased()) at \(config.sampleRate) Hz. "
        s += "The target is instrument \(config.target + 1) (GM \(config.instruments[config.target])). "
        s += "Next to each clip, <em>clip SDR</em> scores the clip itself: the played \(formatNumber(clipSeconds)) s against the references' first \(formatNumber(clipSeconds)) s, "
        s += "with the trial's metric (BSS Eval v3, <code>\(config.metric.rawValue)</code>). The <em>trial</em> SDR / SIR / SAR are those of the whole "
        s += "\(formatNumber(config.excerpt.seconds)) s trial, as in <a href=\"trials.csv\">trials.csv</a> and the tables below (dB)"
        let setting = [d.K.isEmpty ? nil : "K = \(d.K)", d.weighting.isEmpty ? nil : "weighting \(d.weighting)",
                       d.selection.isEmpty ? nil : "selection \(d.selection)", d.mask.isEmpty ? nil : "\(d.mask) mask",
                       d.seed.isEmpty ? nil : "seed \(d.seed)"].compactMap { $0 }
        if !setting.isEmpty { s += "; methods at " + markupEscape(setting.joined(separator: ", ")) }
        s += ". Estimates are the mid signal (L+R)/2 that was scored\(config.metric == .images ? " (here: the stereo image)" : ""); the mixture is stereo.</p>\n"
        for scene in scenes { s += sceneTable(scene) }
        return s + "</section>"
    }

    func sceneTable(_ scene: ScenePlan) -> String {
        let trials = inputs.demo.trials(of: scene)
        let title = scene.title
        var s = "<article class=\"scene\" id=\"\(markupEscape(scene.id))\">\n<h3>\(markupEscape(title))</h3>\n<table class=\"listen\">\n<thead><tr><th>signal</th>"
        let trialSeconds = formatNumber(config.excerpt.seconds)
        for stage in stages {
            s += "<th class=\"stage\">\(Self.stageTitle(stage))</th><th class=\"num clip\">clip SDR</th>"
            s += "<th class=\"num\">trial SDR <span class=\"sub\">\(trialSeconds) s</span></th><th class=\"num\">SIR</th><th class=\"num\">SAR</th>"
        }
        s += "</tr></thead>\n<tbody>\n"
        let columns = 5, width = columns * stages.count
        let clipScores = inputs.clipScores[scene.id]

        func player(_ clip: String, _ label: String) -> String {
            let format = inputs.demo.settings.audioFormat
            let src = markupEscape(demoAudioRelativePath(sceneID: scene.id, clip: clip, format: format))
            return "<audio controls preload=\"metadata\" src=\"\(src)\" title=\"\(markupEscape(label))\"><a href=\"\(src)\">\(markupEscape(clip)).\(format.rawValue)</a></audio>"
        }
        /// The clip's own SDR, then the trial's SDR, SIR and SAR.
        func cells(_ key: TrialKey, clip: String) -> String {
            let r = inputs.records[key]!
            let id = markupEscape(key.columns.joined(separator: ","))
            let clipSDR = clipScores?.clips[clip].map { TrialTable.fixed($0.sdr) } ?? "–"
            return "<td class=\"num clip\" data-clip=\"\(markupEscape(scene.id + "/" + clip))\">\(clipSDR)</td>"
                + [("sdr", r.sdr), ("sir", r.sir), ("sar", r.sar)].map { name, value in
                    "<td class=\"num\" data-trial=\"\(id)\" data-metric=\"\(name)\">\(TrialTable.fixed(value))</td>"
                }.joined()
        }
        /// A row with one player in the first stage column and empty cells after it.
        func single(_ label: String, _ clip: String, _ key: TrialKey?, _ rowClass: String) -> String {
            var row = "<tr class=\"\(rowClass)\"><th>\(label)</th><td>\(player(clip, label))</td>"
            row += key.map { cells($0, clip: clip) } ?? String(repeating: "<td></td>", count: columns - 1)
            row += String(repeating: "<td></td>", count: width - columns)
            return row + "</tr>\n"
        }

        if let mixture = trials.first(where: { $0.method == Bound.mixture.rawValue }) {
            s += single("mixture", "mixture", mixture, "bound")
        }
        s += single("reference <span class=\"sub\">dry target</span>", DemoSelection.referenceClip, nil, "bound")
        for method in ClusteringMethod.allCases.map(\.rawValue) + Set(trials.map(\.method)).subtracting(TrialKey.methodOrder).sorted() {
            let byStage = trials.filter { $0.method == method }
            guard !byStage.isEmpty else { continue }
            s += "<tr><th>\(markupEscape(method))</th>"
            for stage in stages {
                if let key = byStage.first(where: { $0.stage == stage.rawValue }), let clip = inputs.demo.clip(for: key) {
                    s += "<td>\(player(clip, "\(method) \(Self.stageTitle(stage))"))</td>" + cells(key, clip: clip)
                } else {
                    s += String(repeating: "<td></td>", count: columns)
                }
            }
            s += "</tr>\n"
        }
        if let ibm = trials.first(where: { $0.method == Bound.ibm.rawValue }) {
            s += single("ideal binary mask", "ibm", ibm, "bound")
        }
        return s + "</tbody>\n</table>\n</article>\n"
    }

    // MARK: figure, provenance, files

    /// The clustering figure of one scene (`clustering.svg`), at full size in a horizontally scrolling box.
    func clustering() -> String {
        guard let svg = inputs.clusteringSVG else { return "" }
        return """
        <section id="clustering">
        <h2>Clustering</h2>
        <p class="note">The weighted histogram of the direction θ with each method's fitted components π<sub>k</sub>p<sub>k</sub>(θ) and their mixture (k-means: its centroids), for the scene and the very fits of the listening section's first setting; the cluster taken as the target is drawn wide. Also as <a href="\(ClusteringExample.figureFileName)">\(ClusteringExample.figureFileName)</a>.</p>
        <figure class="svg scroll">\(inlineSVG(svg))</figure>
        </section>
        """
    }

    /// The SVG without its XML prolog, ready to sit inside the page.
    func inlineSVG(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return markupEscape(svg) }
        return String(svg[start.lowerBound...])
    }

    func provenance() -> String {
        let p = inputs.provenance
        var rows: [(String, String)] = [
            ("dirclust", p.dirclustVersion),
            ("git commit", p.gitCommit + (p.gitDirty ? " (working tree modified)" : "")),
            ("config hash", p.configHash),
            ("scenes / trials", "\(p.scenes) / \(p.trials)" + (p.scenesResumed > 0 ? " (\(p.scenesResumed) scenes resumed)" : "")),
            ("wall time", String(format: "%.1f s on %d jobs", p.wallSeconds, p.jobs)),
        ]
        rows += p.environment.keys.sorted().map { ($0, p.environment[$0]!) }
        var s = "<section id=\"provenance\">\n<h2>Provenance</h2>\n<div class=\"cols\">\n<table class=\"kv\">\n"
        s += rows.map { "<tr><th>\(markupEscape($0.0))</th><td><code>\(markupEscape($0.1))</code></td></tr>\n" }.joined()
        s += "</table>\n<table class=\"kv\">\n<thead><tr><th>stage</th><th class=\"num\">seconds</th><th class=\"num\">share</th></tr></thead>\n"
        for stage in p.stageSeconds.keys.sorted(by: { (p.stageSeconds[$0]!, $1) > (p.stageSeconds[$1]!, $0) }) {
            s += "<tr><th>\(markupEscape(stage))</th><td class=\"num\">" + String(format: "%.2f", p.stageSeconds[stage]!)
                + "</td><td class=\"num\">" + String(format: "%.1f %%", 100 * (p.stageShare[stage] ?? 0)) + "</td></tr>\n"
        }
        s += "</table>\n</div>\n<details><summary>config.json</summary><pre>\(markupEscape(String(decoding: config.canonicalJSON(), as: UTF8.self)))</pre></details>\n</section>"
        return s
    }

    func files() -> String {
        let items = [(TrialTable.fileName, "one row per trial"), ("summary.csv", "mean, std and 95 % interval per cell"),
                     ("pairs.md", "every paired comparison of two methods"), ("pairs.csv", "the same as CSV"),
                     ("summary.md", "the tables above"), ("figure.svg", "the figure above"),
                     ("provenance.json", "commit, versions, timings"), ("config.json", "the config, canonical")]
        return "<section id=\"files\">\n<h2>Files</h2>\n<ul>\n"
            + items.map { "<li><a href=\"\($0.0)\">\($0.0)</a> — \($0.1)</li>\n" }.joined() + "</ul>\n</section>"
    }

    static let css = """
    :root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #dde2e8; --band: #f5f7fa; --accent: #2f6db5; }
    * { box-sizing: border-box; }
    body { margin: 0 auto; max-width: 1240px; padding: 24px 28px 48px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
    body.wide { max-width: 1720px; }
    header { border-bottom: 2px solid var(--line); margin-bottom: 8px; }
    h1 { font-size: 26px; margin: 0 0 4px; }
    h2 { font-size: 21px; margin: 32px 0 10px; padding-top: 8px; border-top: 1px solid var(--line); }
    header + section > h2 { border-top: none; padding-top: 0; }
    h3 { font-size: 16px; margin: 22px 0 8px; }
    .meta, .note { color: var(--muted); margin: 4px 0 10px; }
    nav { margin: 6px 0 12px; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    code { font: 13px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; background: var(--band); padding: 1px 4px; border-radius: 3px; }
    table { border-collapse: collapse; margin: 6px 0 14px; font-variant-numeric: tabular-nums; }
    th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
    thead th { background: var(--band); font-weight: 600; border-bottom: 2px solid var(--line); }
    .num { text-align: right; white-space: nowrap; }
    td.clip { font-weight: 600; }
    table.summary td:first-child { font-weight: 600; }
    table.listen { min-width: 760px; }
    table.listen th.stage { min-width: 250px; }
    table.listen tbody th { white-space: nowrap; width: 150px; }
    table.listen tr.bound th, table.listen tr.bound td { background: #fbfcfd; }
    .sub { display: block; font-weight: normal; font-size: 12px; color: var(--muted); }
    audio { width: 240px; height: 32px; display: block; }
    article.scene { margin-bottom: 18px; }
    figure.svg { margin: 0; overflow-x: auto; }
    figure.svg svg { max-width: 100%; height: auto; }
    figure.scroll svg { max-width: none; }
    .cols { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
    table.kv td { word-break: break-all; }
    details { margin: 8px 0; }
    pre { background: var(--band); padding: 10px; overflow-x: auto; font-size: 12px; }
    """
}
