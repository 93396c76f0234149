/// Strict, path-aware reading of one JSON object of a config: every key must be one the schema knows,
/// every value must have the right type and lie in range, and each failure is one `DirClustError`
/// naming the file, the key path (`conditions[1].snrDb`) and what is allowed.
///
/// A list-valued field also accepts a single value (`"K": 6` ≡ `"K": [6]`): lists are the sweep axes.
struct ConfigReader {
    let source: String
    let path: String
    private let fields: [String: JSONValue]

    /// Reads `value` as an object whose keys must all be in `allowed`.
    init(_ value: JSONValue, source: String, path: String, allowed: [String]) throws {
        self.source = source
        self.path = path
        guard case .object(let o) = value else {
            throw DirClustError("\(source): \(path.isEmpty ? "the config" : path) must be an object with keys \(allowed.joined(separator: ", ")); found \(value.brief)")
        }
        if let unknown = o.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw DirClustError("\(source): unknown key '\(Self.join(path, unknown))'; allowed keys here: \(allowed.joined(separator: ", "))")
        }
        fields = o
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    func keyPath(_ key: String) -> String { Self.join(path, key) }
    func has(_ key: String) -> Bool { fields[key] != nil && fields[key] != .null }
    func raw(_ key: String) -> JSONValue? { fields[key] == .null ? nil : fields[key] }

    func fail(_ key: String, _ value: JSONValue, _ expected: String) -> DirClustError {
        DirClustError("\(source): \(keyPath(key)) = \(value.brief) is invalid; expected \(expected)")
    }

    // MARK: scalars

    func double(_ key: String, default d: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let v = raw(key) else { return d }
        return try Self.double(v, at: keyPath(key), source: source, range: range)
    }

    func int(_ key: String, default d: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let v = raw(key) else { return d }
        return try Self.int(v, at: keyPath(key), source: source, range: range)
    }

    func bool(_ key: String, default d: Bool) throws -> Bool {
        guard let v = raw(key) else { return d }
        guard case .bool(let b) = v else { throw fail(key, v, "true or false") }
        return b
    }

    func string(_ key: String, default d: String) throws -> String {
        guard let v = raw(key) else { return d }
        guard case .string(let s) = v, !s.isEmpty else { throw fail(key, v, "a non-empty string") }
        return s
    }

    func choice(_ key: String, default d: String, allowed: [String]) throws -> String {
        guard let v = raw(key) else { return d }
        return try Self.choice(v, at: keyPath(key), source: source, allowed: allowed)
    }

    /// One of the raw values of an enumeration (`PanLaw`, `Metric`, …), as that value.
    func choice<T: CaseIterable & RawRepresentable>(_ key: String, default d: T) throws -> T where T.RawValue == String {
        guard let v = raw(key) else { return d }
        return try Self.choice(v, at: keyPath(key), source: source)
    }

    // MARK: lists (sweep axes)

    func elements(_ key: String) throws -> [(JSONValue, String)]? {
        guard let v = raw(key) else { return nil }
        let items: [JSONValue]
        if case .array(let a) = v { items = a } else { items = [v] }
        guard !items.isEmpty else { throw fail(key, v, "a non-empty list") }
        return items.enumerated().map { ($1, "\(keyPath(key))[\($0)]") }
    }

    func doubles(_ key: String, default d: [Double], in range: ClosedRange<Double>) throws -> [Double] {
        guard let items = try elements(key) else { return d }
        return try unique(key, items.map { try Self.double($0, at: $1, source: source, range: range) })
    }

    func ints(_ key: String, default d: [Int], in range: ClosedRange<Int>) throws -> [Int] {
        guard let items = try elements(key) else { return d }
        return try unique(key, items.map { try Self.int($0, at: $1, source: source, range: range) })
    }

    func strings(_ key: String, default d: [String]) throws -> [String] {
        guard let items = try elements(key) else { return d }
        return try unique(key, items.map { v, p in
            guard case .string(let s) = v, !s.isEmpty else {
                throw DirClustError("\(source): \(p) = \(v.brief) is invalid; expected a non-empty string")
            }
            return s
        })
    }

    func choices(_ key: String, default d: [String], allowed: [String]) throws -> [String] {
        guard let items = try elements(key) else { return d }
        return try unique(key, items.map { try Self.choice($0, at: $1, source: source, allowed: allowed) })
    }

    /// A list of an enumeration's raw values (`methods`, `stages`, …), as those values.
    func choices<T: CaseIterable & RawRepresentable & Hashable>(_ key: String, default d: [T]) throws -> [T] where T.RawValue == String {
        guard let items = try elements(key) else { return d }
        return try unique(key, items.map { try Self.choice($0, at: $1, source: source) })
    }

    /// A list of target selections (`TargetSelection`: nearest, oracle, merge:<δ>).
    func selections(_ key: String, default d: [TargetSelection]) throws -> [TargetSelection] {
        guard let items = try elements(key) else { return d }
        return try unique(key, items.map { v, p in
            guard case .string(let s) = v, let selection = try? TargetSelection(parsing: s) else {
                throw DirClustError("\(source): \(p) = \(v.brief) is not allowed; expected one of nearest, oracle, merge:<degrees ≥ 0> (e.g. merge:10)")
            }
            return selection
        })
    }

    /// A list axis may not repeat a value: a repeated value would make two trials with one identity.
    private func unique<T: Hashable>(_ key: String, _ values: [T]) throws -> [T] {
        var seen = Set<T>()
        for v in values where !seen.insert(v).inserted {
            throw DirClustError("\(source): \(keyPath(key)) lists \((v as? Double).map(formatNumber) ?? "\(v)") twice; expected distinct values")
        }
        return values
    }

    // MARK: element readers

    static func double(_ v: JSONValue, at path: String, source: String, range: ClosedRange<Double>) throws -> Double {
        guard case .number(let d) = v, d.isFinite else {
            throw DirClustError("\(source): \(path) = \(v.brief) is invalid; expected a number in \(formatNumber(range.lowerBound))…\(formatNumber(range.upperBound))")
        }
        guard range.contains(d) else {
            throw DirClustError("\(source): \(path) = \(v.brief) is out of range; expected a number in \(formatNumber(range.lowerBound))…\(formatNumber(range.upperBound))")
        }
        return d
    }

    static func int(_ v: JSONValue, at path: String, source: String, range: ClosedRange<Int>) throws -> Int {
        guard case .number(let d) = v, d.isFinite, d == d.rounded(), abs(d) < 1e15 else {
            throw DirClustError("\(source): \(path) = \(v.brief) is invalid; expected an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        guard range.contains(Int(d)) else {
            throw DirClustError("\(source): \(path) = \(v.brief) is out of range; expected an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return Int(d)
    }

    static func choice<T: CaseIterable & RawRepresentable>(_ v: JSONValue, at path: String, source: String) throws -> T
    where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue)
        guard case .string(let s) = v, let value = T(rawValue: s) else {
            throw DirClustError("\(source): \(path) = \(v.brief) is not allowed; expected one of \(allowed.joined(separator: ", "))")
        }
        return value
    }

    static func choice(_ v: JSONValue, at path: String, source: String, allowed: [String]) throws -> String {
        guard case .string(let s) = v, allowed.contains(s) else {
            throw DirClustError("\(source): \(path) = \(v.brief) is not allowed; expected one of \(allowed.joined(separator: ", "))")
        }
        return s
    }
}
