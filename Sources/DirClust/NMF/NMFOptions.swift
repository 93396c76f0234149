/// The divergence D(X | Λ) = Σ_{f,t} B_ft · d(X_ft | Λ_ft) that the NMF minimises, as a member of the
/// β-divergence family (Févotte & Idier 2011):
///
///     d_β(x | y) = (x^β + (β − 1) y^β − β x y^(β−1)) / (β (β − 1)),
///
/// with the limits β = 2 → ½ (x − y)² (Euclidean), β = 1 → x log(x/y) − x + y (generalised
/// Kullback–Leibler) and β = 0 → x/y − log(x/y) − 1 (Itakura–Saito).
///
/// Encoded as a string so that configs and `--set nmf.divergence=…` stay readable:
/// `"euclidean"`, `"kl"` (or `"kullbackLeibler"`), `"beta=0.5"` (or `"beta:0.5"`, `"is"` for β = 0).
public enum NMFDivergence: Codable, Sendable, Hashable, CustomStringConvertible {
    case euclidean
    case kullbackLeibler
    case beta(Double)

    /// The β of this divergence (2 for Euclidean, 1 for KL).
    public var beta: Double {
        switch self {
        case .euclidean: return 2
        case .kullbackLeibler: return 1
        case .beta(let b): return b
        }
    }

    /// Parses `euclidean`, `kl`, `kullbackLeibler`, `is`, `itakuraSaito`, `beta=<number>` or `beta:<number>`.
    public init?(_ text: String) {
        let lowered = text.lowercased()
        switch lowered {
        case "euclidean", "eu", "frobenius": self = .euclidean
        case "kl", "kullbackleibler", "kullback-leibler": self = .kullbackLeibler
        case "is", "itakurasaito", "itakura-saito": self = .beta(0)
        default:
            guard lowered.hasPrefix("beta"), lowered.count > 5,
                  let b = Double(lowered.dropFirst(5)), b.isFinite else { return nil }
            self = .beta(b)
        }
    }

    public var description: String {
        switch self {
        case .euclidean: return "euclidean"
        case .kullbackLeibler: return "kl"
        case .beta(let b): return "beta=\(b)"
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = NMFDivergence(text) else {
            throw DirClustError("nmf.divergence: \"\(text)\" is not a divergence; expected \"euclidean\", \"kl\", \"is\" or \"beta=<number>\".")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Settings of the hybrid stage's supervised NMF (Kitamura et al. 2013). Every field has a default, and a
/// config may give any subset of them.
public struct NMFOptions: Codable, Sendable, Hashable {
    /// K_t: number of target bases learned from the solo recording.
    public var targetBases: Int = 50
    /// K_i: number of interferer bases learned on the fly from the target cluster.
    public var interfererBases: Int = 20
    /// Multiplicative-update iterations of the supervised fit on the mixture.
    public var iterations: Int = 100
    /// Multiplicative-update iterations when learning the target bases from the solo.
    public var trainingIterations: Int = 100
    /// The divergence minimised by both fits.
    public var divergence: NMFDivergence = .kullbackLeibler
    /// Seed of the random initialisation (W_i, H; and W_t in training).
    public var seed: UInt64 = 0
    /// q: the NMF models |X|^q — 1 = magnitude spectrogram, 2 = power spectrogram.
    public var spectrogramPower: Int = 1
    /// p in the Wiener-like gain G = A_t^p / (A_t^p + A_i^p + …) on the modelled magnitudes A (2 = power ratio).
    public var gainExponent: Double = 2
    /// Whether the target gain also restores the bins the clustering mask removed (B = 0), as in the
    /// paper; false keeps the gain on the observed bins only (G·B).
    public var restoreMissingBins: Bool = true

    public init(targetBases: Int = 50, interfererBases: Int = 20, iterations: Int = 100,
                trainingIterations: Int = 100, divergence: NMFDivergence = .kullbackLeibler,
                seed: UInt64 = 0, spectrogramPower: Int = 1, gainExponent: Double = 2,
                restoreMissingBins: Bool = true) {
        self.targetBases = targetBases
        self.interfererBases = interfererBases
        self.iterations = iterations
        self.trainingIterations = trainingIterations
        self.divergence = divergence
        self.seed = seed
        self.spectrogramPower = spectrogramPower
        self.gainExponent = gainExponent
        self.restoreMissingBins = restoreMissingBins
    }

    private enum CodingKeys: String, CodingKey {
        case targetBases, interfererBases, iterations, trainingIterations, divergence, seed,
             spectrogramPower, gainExponent, restoreMissingBins
    }

    /// Missing keys take their defaults; the result is validated.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = NMFOptions()
        targetBases = try c.decodeIfPresent(Int.self, forKey: .targetBases) ?? d.targetBases
        interfererBases = try c.decodeIfPresent(Int.self, forKey: .interfererBases) ?? d.interfererBases
        iterations = try c.decodeIfPresent(Int.self, forKey: .iterations) ?? d.iterations
        trainingIterations = try c.decodeIfPresent(Int.self, forKey: .trainingIterations) ?? d.trainingIterations
        divergence = try c.decodeIfPresent(NMFDivergence.self, forKey: .divergence) ?? d.divergence
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        spectrogramPower = try c.decodeIfPresent(Int.self, forKey: .spectrogramPower) ?? d.spectrogramPower
        gainExponent = try c.decodeIfPresent(Double.self, forKey: .gainExponent) ?? d.gainExponent
        restoreMissingBins = try c.decodeIfPresent(Bool.self, forKey: .restoreMissingBins) ?? d.restoreMissingBins
        try validate()
    }

    /// Throws a `DirClustError` naming the first field outside its range.
    public func validate() throws {
        if targetBases < 1 { throw DirClustError("nmf.targetBases: \(targetBases) is invalid; expected at least 1.") }
        if interfererBases < 0 { throw DirClustError("nmf.interfererBases: \(interfererBases) is invalid; expected 0 or more.") }
        if iterations < 0 { throw DirClustError("nmf.iterations: \(iterations) is invalid; expected 0 or more.") }
        if trainingIterations < 1 { throw DirClustError("nmf.trainingIterations: \(trainingIterations) is invalid; expected at least 1.") }
        if !divergence.beta.isFinite || divergence.beta < 0 || divergence.beta > 3 {
            throw DirClustError("nmf.divergence: β = \(divergence.beta) is outside the supported range; expected β in [0, 3].")
        }
        if spectrogramPower != 1 && spectrogramPower != 2 {
            throw DirClustError("nmf.spectrogramPower: \(spectrogramPower) is invalid; expected 1 (magnitude) or 2 (power).")
        }
        if !gainExponent.isFinite || gainExponent <= 0 {
            throw DirClustError("nmf.gainExponent: \(gainExponent) is invalid; expected a positive number.")
        }
    }
}
