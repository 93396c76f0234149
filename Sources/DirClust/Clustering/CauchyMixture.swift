/// The Cauchy mixture of directions (Maeda et al. 2012): the t-mixture with ν = 1 held fixed, i.e.
/// u_n = 2 / (1 + d_n²), μ = Σ v u x / Σ v u, α² = Σ v u (x − μ)² / N_k. `fixedShape` and the shape options
/// are ignored. Throws as described in `DirectionClusterer`.
public struct CauchyMixture: DirectionClusterer {
    public let options: ClusteringOptions
    public init(options: ClusteringOptions) { self.options = options }

    public func fit(_ x: [Double], weights: [Double]?) throws -> ClusterFit {
        let family = StudentTFamily(method: .cauchy, minimumScale: options.minimumScale, fixedShape: 1, bounds: 1...1)
        var driver = EMDriver(family: family, options: options)
        return try driver.fit(x, weights: weights)
    }
}
