import CFluidSynth
import CSndfile
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Versions of the C libraries a run used, for provenance.
public enum LibraryVersions {
    public static func all() -> [String: String] {
        var v: [String: String] = [:]
        if let s = sf_version_string() { v["libsndfile"] = String(cString: s) }
        // `fftw_version` is an unsized C array Swift cannot import; look the symbol up instead.
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "fftw_version") {
            v["fftw"] = String(cString: symbol.assumingMemoryBound(to: CChar.self))
        }
        if let s = fluid_version_str() { v["libfluidsynth"] = String(cString: s) }
        v["dirclust"] = DirClustInfo.version
        return v
    }
}
