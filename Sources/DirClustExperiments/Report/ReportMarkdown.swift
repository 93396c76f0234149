import DirClust
import Foundation

/// The Markdown that `summary.md` uses, as HTML: headings (`#` → `<h2>`, `##` → `<h3>`: the page has its
/// own title), pipe tables with `---:` right-aligned columns, `- ` lists, paragraphs, and inline `code`
/// and **bold**. Everything else is escaped text; nothing is fetched or executed.
enum ReportMarkdown {
    static func html(_ markdown: String) -> String {
        var out = ""
        var paragraph: [String] = []
        var list: [String] = []
        var table: [String] = []

        func flush() {
            if !paragraph.isEmpty { out += "<p>" + inline(paragraph.joined(separator: " ")) + "</p>\n"; paragraph = [] }
            if !list.isEmpty { out += "<ul>\n" + list.map { "<li>" + inline($0) + "</li>\n" }.joined() + "</ul>\n"; list = [] }
            if !table.isEmpty { out += tableHTML(table); table = [] }
        }

        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("|") {
                if table.isEmpty { flush() }
                table.append(line)
            } else if line.hasPrefix("- ") {
                if list.isEmpty { flush() }
                list.append(String(line.dropFirst(2)))
            } else if let level = headingLevel(line) {
                flush()
                let tag = "h\(min(level + 1, 6))"
                out += "<\(tag)>" + inline(String(line.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces)) + "</\(tag)>\n"
            } else if line.isEmpty {
                flush()
            } else {
                if !list.isEmpty || !table.isEmpty { flush() }
                paragraph.append(line)
            }
        }
        flush()
        return out
    }

    static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        return (1...6).contains(hashes) && line.dropFirst(hashes).hasPrefix(" ") ? hashes : nil
    }

    /// A pipe table: the first row is the header, a second row of dashes sets the alignment.
    static func tableHTML(_ lines: [String]) -> String {
        func cells(_ line: String) -> [String] {
            var s = Substring(line)
            if s.hasPrefix("|") { s = s.dropFirst() }
            if s.hasSuffix("|") { s = s.dropLast() }
            return s.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let isRule = { (l: String) in cells(l).allSatisfy { !$0.isEmpty && $0.allSatisfy { "-:".contains($0) } } }
        let header = cells(lines[0])
        var body = Array(lines.dropFirst())
        var right = [Bool](repeating: false, count: header.count)
        if let first = body.first, isRule(first) {
            for (i, c) in cells(first).enumerated() where i < right.count { right[i] = c.hasSuffix(":") }
            body.removeFirst()
        }
        func row(_ cs: [String], tag: String) -> String {
            "<tr>" + cs.enumerated().map { i, c in
                let align = i < right.count && right[i] ? " class=\"num\"" : ""
                return "<\(tag)\(align)>" + inline(c) + "</\(tag)>"
            }.joined() + "</tr>\n"
        }
        return "<table class=\"summary\">\n<thead>" + row(header, tag: "th") + "</thead>\n<tbody>\n"
            + body.map { row(cells($0), tag: "td") }.joined() + "</tbody>\n</table>\n"
    }

    /// Escapes the text, then turns `code` and **bold** spans into tags.
    static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let i = rest.firstIndex(where: { $0 == "`" || $0 == "*" }) {
            out += htmlEscape(String(rest[..<i]))
            let marker = rest[i] == "`" ? "`" : "**"
            let tag = marker == "`" ? "code" : "strong"
            let open = rest[i...]
            if open.hasPrefix(marker), let close = open.dropFirst(marker.count).range(of: marker) {
                out += "<\(tag)>" + htmlEscape(String(open.dropFirst(marker.count)[..<close.lowerBound])) + "</\(tag)>"
                rest = open[close.upperBound...]
            } else {
                out += htmlEscape(String(rest[i]))
                rest = rest[rest.index(after: i)...]
            }
        }
        return out + htmlEscape(String(rest))
    }
}

/// Text safe inside HTML elements and double-quoted attributes.
func htmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
