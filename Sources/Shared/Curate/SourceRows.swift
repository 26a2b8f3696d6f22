import Foundation

/// The rows of one local file, whatever its container: JSONL, a JSON array (or an object holding one, such
/// as a datasets-server page), or CSV with a header; each possibly zstd-compressed.
public final class SourceRows {
    enum Kind { case jsonl(RecordReader), array([JSONRef], Int), csv(CSVReader) }
    private var kind: Kind
    public let name: String
    private var arrayIndex = 0

    public init(path: String, display: String? = nil, policy: BadLinePolicy, maxLineBytes: Int) throws {
        name = display ?? path
        let lower = path.lowercased().replacingOccurrences(of: ".zst", with: "")
        if lower.hasSuffix(".csv") {
            kind = .csv(try CSVReader(InputOpener.open(path)))
            return
        }
        if lower.hasSuffix(".json") {
            let bytes = try InputOpener.readAll(path)
            let first = bytes.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
            if first == UInt8(ascii: "[") || Self.isSingleDocument(bytes) {
                let doc = JSONBuffer(bytes)
                let span: (start: Int, end: Int)
                do { span = try JSONScanner.scanValue(doc.bytes) } catch {
                    let line = 1 + bytes[..<min(error.offset, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    throw InputError(name, line: line, "not valid JSON: \(error.message)")
                }
                kind = .array(try Self.rowsOf(JSONRef(doc, span.start, span.end), name), 0)
                return
            }
        }
        kind = .jsonl(RecordReader(paths: [path], policy: policy, maxLineBytes: maxLineBytes))
    }

    /// JSONL rows are counted as read by the record reader itself (bad lines included).
    public var countsOwnReads: Bool { if case .jsonl = kind { return true } else { return false } }

    /// A ".json" file that is one pretty-printed object rather than JSON Lines.
    private static func isSingleDocument(_ b: [UInt8]) -> Bool {
        guard let nl = b.firstIndex(of: 0x0A) else { return true }
        let firstLine = b[..<nl].filter { ![0x20, 0x0D, 0x09].contains($0) }
        return firstLine == [UInt8(ascii: "{")]
    }

    /// The row objects of a whole-file JSON document.
    static func rowsOf(_ root: JSONRef, _ name: String) throws -> [JSONRef] {
        if root.isArray { return root.elements }
        if root.isObject {
            // datasets-server pages: {"rows": [{"row_idx": 0, "row": {...}}, ...]}
            if let rows = root["rows"], rows.isArray {
                return rows.elements.map { $0["row"] ?? $0 }
            }
            for k in ["data", "train", "test", "problems", "examples"] {
                if let v = root[k], v.isArray { return v.elements }
            }
            return [root]
        }
        throw InputError(name, "a .json source must hold an array of row objects")
    }

    /// Next row and its line (for arrays: the 1-based element index), or nil at the end.
    public func next() throws -> (Record, Int)? {
        switch kind {
        case .jsonl(let r):
            guard let rec = try r.next() else { return nil }
            return (rec, rec.line)
        case .csv(let c):
            guard let rec = try c.next() else { return nil }
            return (rec, rec.line)
        case .array(let items, var i):
            while i < items.count {
                let v = items[i]
                i += 1
                kind = .array(items, i)
                if v.isObject {
                    return (Record(copying: v, source: name, line: i), i)
                }
                throw InputError(name, line: i, "element \(i) of the array is not a JSON object")
            }
            return nil
        }
    }
}

/// Which source_type a path suggests, from the dataset names it contains (directory or file).
public enum SourceNaming {
    static let hints: [(String, String)] = [
        ("aime24", "aime24"), ("aime_2024", "aime24"), ("aime25", "aime25"), ("aime_2025", "aime25"),
        ("math500", "math500"), ("math-500", "math500"), ("gsm8k", "gsm8k"), ("olympiadbench", "olympiadbench"),
        ("amc23", "amc23"), ("minerva", "minerva_math"), ("gpqa", "gpqa"), ("omni-math", "omnimath"),
        ("omnimath", "omnimath"), ("champ", "champ"), ("s1k-1.1", "s1k-1.1"), ("s1k", "s1k"),
    ]

    public static func sourceType(forPath path: String) -> String? {
        let p = path.lowercased()
        return hints.first { p.contains($0.0) }?.1
    }

    /// "sat-math" for ".../sat-math.jsonl.zst"; for generic names (test, train) the folder name instead.
    public static func stem(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        var base = url.lastPathComponent
        for ext in [".zst", ".jsonl", ".json", ".csv"] where base.lowercased().hasSuffix(ext) {
            base = String(base.dropLast(ext.count))
        }
        if ["test", "train", "data", "validation", "dev"].contains(base.lowercased()) {
            let dir = url.deletingLastPathComponent().lastPathComponent
            if !dir.isEmpty && dir != "/" && dir != "." { return dir }
        }
        return base
    }
}
