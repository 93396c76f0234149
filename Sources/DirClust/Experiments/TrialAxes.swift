/// The typed values of an experiment's axes that the science library does not already name
/// (`ClusteringMethod`, `BinWeighting`, `MaskKind`, `TargetSelection`, `PanLaw`, `WindowKind`,
/// `NMFDivergence` and `SNRReference` are the library's own). Each list of names exists once, here or in
/// those enums; `trials.csv` and the config hold their raw values.

/// What a trial does after the fit: the clustering output itself, or the supervised-NMF stage on it.
public enum Stage: String, Codable, Sendable, CaseIterable {
    /// Directional clustering and the target mask (the paper's output).
    case clustering
    /// Supervised NMF on the target cluster's bins, without restoration.
    case nmf
    /// Supervised NMF with spectrogram restoration (Kitamura et al. 2013).
    case hybrid

    /// The `stage` column of the bounds (`Bound`), which fit nothing.
    public static let baselineName = "baseline"
    /// Order of the `stage` column: the bounds, then the stages in pipeline order.
    public static let columnOrder = [baselineName] + allCases.map(\.rawValue)

    /// Whether the stage runs the supervised NMF (and so needs the training solo).
    public var usesNMF: Bool { self != .clustering }
}

/// The two bounds scored once per scene (the `method` column of their rows, stage `baseline`).
public enum Bound: String, Sendable, CaseIterable {
    /// The unprocessed mixture (lower bound).
    case mixture
    /// The ideal binary mask (upper bound).
    case ibm

    /// Order of the `method` column: the lower bound, the five clusterers as in the paper, the upper bound.
    public static let methodOrder = [mixture.rawValue] + ClusteringMethod.allCases.map(\.rawValue) + [ibm.rawValue]
}

/// How estimates are scored (BSS Eval v3).
public enum Metric: String, Codable, Sendable, CaseIterable {
    /// The estimate's mid signal (L+R)/2 against the dry mono sources.
    case sources
    /// The stereo estimate against the stereo source images (ISR recorded).
    case images
}

/// A scene layout of the config, completed by the angle θ of its scene (`Layout`).
public enum LayoutKind: String, Codable, Sendable, CaseIterable {
    case centreTarget, fan

    /// The layout at θ (degrees).
    public func layout(thetaDeg: Double) -> Layout {
        switch self {
        case .centreTarget: .centreTarget(theta: thetaDeg)
        case .fan: .fan(theta: thetaDeg)
        }
    }
}

/// Which SoundFont renders the hybrid stage's training solo.
public enum NMFTraining: String, Codable, Sendable, CaseIterable {
    /// A different SoundFont (`hybrid.openSoundFont`): the group's "open data" practice.
    case open
    /// The scenes' own SoundFont.
    case closed
}
