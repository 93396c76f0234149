import Foundation
import Testing
@testable import DirClust
@testable import DirClustExperiments

/// The strict config reader (issue 17 item 5): what RFC 8259 allows parses to the same tree Foundation
/// gives; duplicate keys and trailing commas are refused; every error names its line and column.
@Suite struct StrictJSONTests {
    func parse(_ text: String) throws(StrictJSONError) -> JSONValue { try StrictJSON.parse(Array(text.utf8)) }

    func failure(_ text: String) -> StrictJSONError? {
        do { _ = try parse(text); return nil } catch let e as StrictJSONError { return e } catch { return nil }
    }

    @Test func validDocumentsMatchFoundation() throws {
        let docs = [
            #"{"a": [1, -2.5, 3e2, 0, -0.0, 1E-3, 2e+1], "b": {"c": null, "d": true, "e": false}, "f": "x\"\\\/\b\f\n\r\t\u00e9\ud83c\udfb5"}"#,
            "  [ ]  ", "{}", "\"only a string\"", "12", "[[[]], {}]", "{\"é\": \"ünïcode\"}",
        ]
        for d in docs {
            let expected = try JSONDecoder().decode(JSONValue.self, from: Data(d.utf8))
            #expect(try parse(d) == expected, "\(d)")
        }
        #expect(try parse(#""\ud83c\udfb5""#) == .string("🎵"))
        for name in ["ci", "paper", "hybrid"] {
            let path = "configs/\(name).json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }  // run from the package root
            #expect(try StrictJSON.parse([UInt8](data)) == JSONDecoder().decode(JSONValue.self, from: data), "\(path)")
        }
    }

    @Test func duplicateKeysAreRefusedNamingTheKeyAndBothLines() throws {
        let e = try #require(failure("{\n  \"K\": [6],\n  \"K\": [8]\n}"))
        #expect(e.line == 3 && e.column == 3, "\(e.description)")
        #expect(e.message.contains("key 'K' appears twice") && e.message.contains("first on line 2"), "\(e.description)")
        let nested = try #require(failure(#"{"excerpt": {"offset": 1, "seconds": 2, "offset": 3}}"#))
        #expect(nested.message.contains("'excerpt.offset' appears twice"), "\(nested.description)")
        // The same key in two different objects is fine.
        #expect(try parse(#"[{"a": 1}, {"a": 2}]"#) == .array([.object(["a": .number(1)]), .object(["a": .number(2)])]))
    }

    @Test func trailingCommasAreRefused() throws {
        let object = try #require(failure("{\"K\": [6],\n \"methods\": [\"tmm\"],\n}"))
        #expect(object.line == 3 && object.column == 1 && object.message.contains("trailing comma"), "\(object.description)")
        let list = try #require(failure(#"{"K": [6, 8,]}"#))
        #expect(list.line == 1 && list.column == 13 && list.message.contains("trailing comma"), "\(list.description)")
    }

    @Test func syntaxErrorsNameLineAndColumn() throws {
        let cases: [(String, Int, Int, String)] = [
            ("{\n  \"K\": [6]\n  \"seed\": 1\n}", 3, 3, "expected ',' or '}'"),
            ("{\"K\" 6}", 1, 6, "expected ':'"),
            ("{\"a\": tru}", 1, 10, "expected 'true'"),
            ("{\"a\": 01}", 1, 8, "leading zero"),
            ("{\"a\": 1.}", 1, 9, "after the decimal point"),
            ("{\"a\": -}", 1, 8, "expected a digit"),
            ("{\"a\": 1e}", 1, 9, "exponent"),
            ("{\"a\": NaN}", 1, 7, "expected a value"),
            ("{\"a\": 1e999}", 1, 12, "too large"),
            ("{\"a\": \"x\ty\"}", 1, 9, "control character"),
            ("{\"a\": \"\\q\"}", 1, 9, "unknown escape"),
            ("{\"a\": \"\\ud83c\"}", 1, 14, "lone UTF-16 high surrogate"),
            ("{\"a\": \"open", 1, 12, "not closed"),
            ("{\"é\": 1 x}", 1, 9, "expected ',' or '}'"),
            ("{} {}", 1, 4, "after the end"),
            ("// comment\n{}", 1, 1, "expected a value"),
            ("", 1, 1, "found end of file"),
        ]
        for (text, line, column, what) in cases {
            guard let e = failure(text) else { Issue.record("accepted: \(text)"); continue }
            #expect(e.line == line && e.column == column && e.message.contains(what), "\(text): \(e.description)")
        }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(failure(deep)?.message.contains("nesting deeper than 256") == true)
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { try parse(ok) }
    }

    /// Through the config loader: the file name, line and column in one DirClustError.
    @Test func configErrorsNameTheFileLineAndColumn() throws {
        for (text, expected) in [
            ("{\"pieces\": [\"a\"],\n \"K\": [6],\n \"K\": [8]}", "test.json is not valid JSON: line 3, column 2: key 'K' appears twice"),
            ("{\"pieces\": [\"a\"],\n \"K\": [6,],\n}", "test.json is not valid JSON: line 2, column 10: expected a value after ','"),
        ] {
            do {
                _ = try ExperimentConfig.decode(Data(text.utf8), source: "test.json")
                Issue.record("accepted: \(text)")
            } catch let e as DirClustError {
                #expect(e.message.contains(expected), "\(e.message)")
            }
        }
    }
}
