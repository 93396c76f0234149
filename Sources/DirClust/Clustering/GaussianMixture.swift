import RealModule

/// Gaussian mixture of directions (Araki et al. 2007), fitted by weighted EM (`EMDriver`).
///
/// M-step: μ_k = Σ_n v_nk x_n / N_k, σ_k² = max(Σ_n v_nk (x_n − μ_k)² / N_k, s²) with v_nk = w_n r_nk and
/// s = `minimumScale` (default 0.1°): the variance floor keeps over-estimated components from collapsing
/// onto one repeated direction. Throws as described in `DirectionClusterer`.
public struct GaussianMixture: DirectionClusterer {
    public let options: ClusteringOptions
    public init(options: ClusteringOptions) { self.options = options }

    public func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit {
        var driver = EMDriver(family: GaussianFamily(minimumScale: options.minimumScale), options: options)
        return try driver.fit(x, weights: weights)
    }
}

/// The Gaussian density N(x; μ, σ²): log p = −log σ − ½ log 2π − ½ ((x − μ)/σ)².
struct GaussianFamily: MixtureFamily {
    let minimumScale: Double
    var method: ClusteringMethod { .gmm }
    var reportsShape: Bool { false }

    static func logDensities(_ x: UnsafeBufferPointer<Double>, _ θ: MixtureComponent, offset: Double,
                             into out: UnsafeMutablePointer<Double>) {
        let a = offset - Double.log(θ.scale) - 0.5 * Double.log(2 * .pi)
        let b = 0.5 / (θ.scale * θ.scale), μ = θ.mean
        for i in 0..<x.count {
            let d = x[i] - μ
            out[i] = a - b * d * d
        }
    }

    func initialComponent(mean: Double, rms: Double, shape: Double?) -> MixtureComponent {
        MixtureComponent(mean: mean, scale: rms, shape: 0)
    }

    func updateComponent(_ θ: MixtureComponent, x: UnsafeBufferPointer<Double>, v: UnsafeBufferPointer<Double>,
                         total: Double) -> MixtureComponent {
        let μ = VectorMath.sum(count: x.count) { v[$0] * x[$0] } / total
        let spread = VectorMath.sum(count: x.count) { i in
            let d = x[i] - μ
            return v[i] * d * d
        }
        return MixtureComponent(mean: μ, scale: max(spread / total, minimumScale * minimumScale).squareRoot(), shape: 0)
    }
}
