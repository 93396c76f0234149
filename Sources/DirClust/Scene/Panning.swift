import Foundation

/// How a mono source at pan angle φ ∈ [0°, 90°] is placed in the stereo field (φ = 0° hard left,
/// 45° centre, 90° hard right).
public enum PanLaw: String, Codable, Sendable, Hashable, CaseIterable {
    /// g_L = cos φ, g_R = sin φ: equal total power g_L² + g_R² = 1 at every angle, and the direction
    /// feature atan2(|X_R|, |X_L|) of the image equals φ exactly.
    case constantPower
    /// g_L = 1 − φ/(π/2), g_R = φ/(π/2): gains sum to 1; the image's direction atan2(g_R, g_L) equals φ
    /// only at 0°, 45° and 90°.
    case linear
}

/// The left and right gains of one panned source.
public struct PanGains: Sendable, Codable, Hashable {
    public var left: Double
    public var right: Double

    public init(left: Double, right: Double) {
        self.left = left
        self.right = right
    }

    /// Gains for pan angle `angleDeg` (degrees, 0…90) under `law`.
    public init(angleDeg: Double, law: PanLaw) {
        let phi = angleDeg * .pi / 180
        switch law {
        case .constantPower:
            self.init(left: cos(phi), right: sin(phi))
        case .linear:
            let r = phi / (.pi / 2)
            self.init(left: 1 - r, right: r)
        }
    }

    /// The direction a bin dominated by this source shows: θ = atan2(g_R, g_L) in degrees (= φ for
    /// constant-power panning). This, not φ, is where a clusterer finds the source.
    public var directionDeg: Double { atan2(right, left) * 180 / .pi }
}
