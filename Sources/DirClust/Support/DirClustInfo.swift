/// dirclust: directional clustering for stereo music source separation.
///
/// The pipeline reads top to bottom through the folders: Audio → Scene → Spectral → Clustering →
/// Separation → Evaluation → Experiments.
public enum DirClustInfo {
    public static let version = "0.1.0"
}
