import CFFTW
import CFluidSynth
import CSndfile

/// Versions of the C libraries a run used, for provenance.
enum LibraryVersions {
    static func all() -> [String: String] {
        var v: [String: String] = [:]
        if let s = sf_version_string() { v["libsndfile"] = String(cString: s) }
        v["fftw"] = withUnsafePointer(to: fftw_version) { p in
            p.withMemoryRebound(to: CChar.self, capacity: 64) { String(cString: $0) }
        }
        if let s = fluid_version_str() { v["libfluidsynth"] = String(cString: s) }
        v["dirclust"] = DirClustInfo.version
        return v
    }
}
