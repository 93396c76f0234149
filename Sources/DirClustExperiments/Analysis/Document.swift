import DirClust

/// A run's summary as typed blocks, built once from the summary rows and written twice: as Markdown
/// (`summary.md`, `pairs.md`) here, as HTML by the report (`Document.html`). Nothing is ever parsed back.
public struct Document: Sendable, Equatable {
    /// A run of inline text: plain, `code` or **strong**.
    public enum Span: Sendable, Equatable {
        case text(String), code(String), strong(String)
    }
    public typealias Inline = [Span]

    /// A table: one header row, which columns are numeric (right-aligned), then the body rows.
    public struct Table: Sendable, Equatable {
        public var header: [Inline]
        public var numeric: [Bool]
        public var rows: [[Inline]]
    }

    public enum Block: Sendable, Equatable {
        /// `#` … `######`.
        case heading(level: Int, Inline)
        /// Lines of one paragraph.
        case paragraph([Inline])
        case list([Inline])
        case table(Table)
    }

    public var blocks: [Block]
    public init(_ blocks: [Block] = []) { self.blocks = blocks }

    public static func + (a: Document, b: Document) -> Document { Document(a.blocks + b.blocks) }

    /// The document without its leading level-1 title (a page that has its own).
    public var droppingTitle: Document {
        guard case .heading(level: 1, _)? = blocks.first else { return self }
        return Document(Array(blocks.dropFirst()))
    }

    // MARK: Markdown

    /// Blocks separated by one blank line, each ending in a newline.
    public var markdown: String { blocks.map(Self.markdown).joined(separator: "\n") }

    static func markdown(_ block: Block) -> String {
        switch block {
        case let .heading(level, text): String(repeating: "#", count: level) + " " + markdown(text) + "\n"
        case let .paragraph(lines): lines.map { markdown($0) + "\n" }.joined()
        case let .list(items): items.map { "- " + markdown($0) + "\n" }.joined()
        case let .table(t):
            ([t.header] + t.rows).map { "| " + $0.map(markdown).joined(separator: " | ") + " |\n" }
                .inserted("|" + t.numeric.map { $0 ? "---:" : "---" }.joined(separator: "|") + "|\n", at: 1).joined()
        }
    }

    public static func markdown(_ text: Inline) -> String {
        text.map { span in
            switch span {
            case .text(let s): s
            case .code(let s): "`\(s)`"
            case .strong(let s): "**\(s)**"
            }
        }.joined()
    }
}

extension Array {
    fileprivate func inserted(_ e: Element, at i: Int) -> [Element] {
        var a = self
        a.insert(e, at: i)
        return a
    }
}
