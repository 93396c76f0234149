/// A strict JSON reader for configs (RFC 8259 and nothing more): one value, optionally surrounded by
/// whitespace; no trailing commas, no comments, no NaN/Infinity, and no key twice in one object (RFC 8259
/// leaves duplicate names to the reader; Foundation keeps one of them silently, so `"K": [6], "K": [8]`
/// ran K = 6 without a word). Every error names the line and column (1-based, columns counted in
/// characters) of the offending character.
///
/// Grammar (RFC 8259 §2–7):
///
///   value  = object | array | string | number | true | false | null
///   object = '{' [ string ':' value *( ',' string ':' value ) ] '}'
///   array  = '[' [ value *( ',' value ) ] ']'
///   number = [ '-' ] ( '0' | [1-9] *digit ) [ '.' 1*digit ] [ ( 'e' | 'E' ) [ '+' | '-' ] 1*digit ]
struct StrictJSON {
    /// Deepest nesting accepted (a config is a few levels deep; this bounds the recursion).
    static let maxDepth = 256

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var column = 1

    /// Parses `bytes` as one JSON value; the error text (without the file name) says what and where.
    static func parse(_ bytes: [UInt8]) throws(StrictJSONError) -> JSONValue {
        var p = StrictJSON(bytes: bytes)
        if p.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }  // a UTF-8 byte-order mark
        p.skipWhitespace()
        let v = try p.value(depth: 0, path: "")
        p.skipWhitespace()
        guard p.i == p.bytes.count else { throw p.error("unexpected \(p.describeHere()) after the end of the JSON value") }
        return v
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: positions and errors

    private func error(_ what: String) -> StrictJSONError { StrictJSONError(message: what, line: line, column: column) }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    /// Moves past one byte, keeping line and column (a column per character: UTF-8 continuation bytes
    /// do not count).
    private mutating func advance() {
        let b = bytes[i]
        i += 1
        if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
    }

    private func describeHere() -> String {
        guard let b = current else { return "end of file" }
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16, uppercase: true))"
    }

    private mutating func skipWhitespace() {
        while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { advance() }
    }

    private mutating func expect(_ c: UInt8, _ what: String) throws(StrictJSONError) {
        guard current == c else { throw error("expected \(what), found \(describeHere())") }
        advance()
    }

    // MARK: values

    private mutating func value(depth: Int, path: String) throws(StrictJSONError) -> JSONValue {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth) levels") }
        switch current {
        case UInt8(ascii: "{"): return try object(depth: depth, path: path)
        case UInt8(ascii: "["): return try array(depth: depth, path: path)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case let b? where b == UInt8(ascii: "-") || (b >= 0x30 && b <= 0x39): return .number(try number())
        default: throw error("expected a value (object, list, string, number, true, false or null), found \(describeHere())")
        }
    }

    private mutating func literal(_ word: String) throws(StrictJSONError) {
        for c in word.utf8 {
            guard current == c else { throw error("expected '\(word)', found \(describeHere())") }
            advance()
        }
    }

    private mutating func object(depth: Int, path: String) throws(StrictJSONError) -> JSONValue {
        advance()  // {
        var fields: [String: JSONValue] = [:]
        var firstSeen: [String: Int] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") { advance(); return .object(fields) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw error(fields.isEmpty ? "expected a key in double quotes, found \(describeHere())"
                            : "expected a key in double quotes after ',', found \(describeHere()) (a trailing comma is not JSON)")
            }
            let keyLine = line, keyColumn = column
            let key = try string()
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            if let earlier = firstSeen[key] {
                throw StrictJSONError(message: "key '\(keyPath)' appears twice in one object (first on line \(earlier)); expected each key once",
                                      line: keyLine, column: keyColumn)
            }
            firstSeen[key] = keyLine
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after the key '\(keyPath)'")
            skipWhitespace()
            fields[key] = try value(depth: depth + 1, path: keyPath)
            skipWhitespace()
            if current == UInt8(ascii: ",") { advance(); continue }
            try expect(UInt8(ascii: "}"), "',' or '}' after the value of '\(keyPath)'")
            return .object(fields)
        }
    }

    private mutating func array(depth: Int, path: String) throws(StrictJSONError) -> JSONValue {
        advance()  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { advance(); return .array(items) }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw error("expected a value after ',', found ']' (a trailing comma is not JSON)") }
            items.append(try value(depth: depth + 1, path: "\(path)[\(items.count)]"))
            skipWhitespace()
            if current == UInt8(ascii: ",") { advance(); continue }
            try expect(UInt8(ascii: "]"), "',' or ']' in the list\(path.isEmpty ? "" : " '\(path)'")")
            return .array(items)
        }
    }

    private mutating func digits() -> Int {
        var n = 0
        while let b = current, b >= 0x30 && b <= 0x39 { advance(); n += 1 }
        return n
    }

    private mutating func number() throws(StrictJSONError) -> Double {
        let start = i
        if current == UInt8(ascii: "-") { advance() }
        if current == UInt8(ascii: "0") {
            advance()
            if let b = current, b >= 0x30 && b <= 0x39 { throw error("a number may not have a leading zero") }
        } else if digits() == 0 { throw error("expected a digit, found \(describeHere())") }
        if current == UInt8(ascii: ".") {
            advance()
            guard digits() > 0 else { throw error("expected a digit after the decimal point, found \(describeHere())") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard digits() > 0 else { throw error("expected a digit in the exponent, found \(describeHere())") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw error("the number \(text) is too large") }
        return d
    }

    private mutating func string() throws(StrictJSONError) -> String {
        advance()  // "
        var scalars = String.UnicodeScalarView()
        var run = i  // start of the current stretch of plain bytes
        func flush(_ p: StrictJSON, to end: Int) { scalars.append(contentsOf: String(decoding: p.bytes[run..<end], as: UTF8.self).unicodeScalars) }
        while true {
            guard let b = current else { throw error("the string is not closed (end of file before the closing '\"')") }
            if b == UInt8(ascii: "\"") { flush(self, to: i); advance(); return String(scalars) }
            if b < 0x20 { throw error("a control character (\(describeHere())) inside a string; write it as an escape such as \\n") }
            if b != UInt8(ascii: "\\") { advance(); continue }
            flush(self, to: i)
            advance()  // backslash
            guard let e = current else { throw error("the string is not closed (end of file after '\\')") }
            let simple: [UInt8: Unicode.Scalar] = [0x22: "\"", 0x5C: "\\", 0x2F: "/", 0x62: "\u{08}", 0x66: "\u{0C}",
                                                    0x6E: "\n", 0x72: "\r", 0x74: "\t"]
            if let s = simple[e] {
                advance()
                scalars.append(s)
            } else if e == UInt8(ascii: "u") {
                advance()
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard current == UInt8(ascii: "\\") else { throw error("a lone UTF-16 high surrogate \\u\(String(code, radix: 16))") }
                    advance()
                    try expect(UInt8(ascii: "u"), "'u' of a low surrogate escape")
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("\\u\(String(low, radix: 16)) is not a low surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let s = Unicode.Scalar(code) else { throw error("\\u\(String(code, radix: 16)) is not a Unicode character") }
                scalars.append(s)
            } else {
                throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))'; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
            }
            run = i
        }
    }

    private mutating func hex4() throws(StrictJSONError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = current, let d = Character(Unicode.Scalar(b)).hexDigitValue else {
                throw error("expected 4 hexadecimal digits after \\u, found \(describeHere())")
            }
            v = v * 16 + UInt32(d)
            advance()
        }
        return v
    }
}

/// Where and why a JSON text is not strict JSON.
struct StrictJSONError: Error, Equatable {
    var message: String
    var line: Int
    var column: Int

    /// `line 3, column 14: …`
    var description: String { "line \(line), column \(column): \(message)" }
}
