import Foundation

/// A byte-level BPE tokenizer (GPT-2 family: SmolLM2, Qwen2, Llama 3): special tokens matched in the
/// text first, then the pre-tokenizer's pieces, then BPE on each piece's bytes. Built from a GGUF file's
/// metadata or from tokenizer.json (`TokenizerLoader`).
public final class Tokenizer {
    /// Vocabulary strings by id (byte-level form; added tokens as written).
    public let tokens: [String]
    let vocab: [String: Int32]
    let bpe: BPE
    /// The merges in rank order, as loaded (kept for writing tokenizer.json).
    public let merges: [(String, String)]
    /// Added tokens in id order, as loaded.
    public let addedTokens: [(text: String, id: Int32, special: Bool)]
    public let preTokenizer: PreTokenizer
    /// Tokens matched as wholes in the text (special or user-added), longest first.
    let added: [(text: [UInt8], id: Int32)]
    public let specialIDs: Set<Int32>
    /// Bytes each id decodes to.
    let tokenBytes: [[UInt8]]
    /// tokenizer.json's `ignore_merges`: a piece that is itself a token is not split.
    let ignoreMerges: Bool
    let nfc: Bool
    public let bos: Int32?
    public let eos: Int32?
    /// Pieces already encoded; the lock lets threads share one tokenizer (s1-think's endpoint workers, tests).
    private var cache: [[UInt8]: [Int32]] = [:]
    private let cacheLock = NSLock()

    public init(tokens: [String], merges: [(String, String)], added: [(String, Int32, special: Bool)],
                preTokenizer: PreTokenizer, ignoreMerges: Bool = false, nfc: Bool = false, unk: Int32? = nil,
                bos: Int32? = nil, eos: Int32? = nil, source: String) throws {
        self.tokens = tokens
        self.merges = merges
        addedTokens = added.sorted { $0.1 < $1.1 }.map { ($0.0, $0.1, $0.special) }
        var v: [String: Int32] = [:]
        v.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() where v[t] == nil { v[t] = Int32(i) }
        vocab = v
        // A byte with no token of its own (SmolLM2 lacks a few control bytes) becomes `unk`, or is dropped
        // when there is none, as Hugging Face's BPE does.
        var byteIDs = [Int32](repeating: unk ?? -1, count: 256)
        for b in 0..<256 { if let id = v[String(ByteLevel.byteToChar[b])] { byteIDs[b] = id } }
        var m: [UInt64: (rank: Int32, id: Int32)] = [:]
        m.reserveCapacity(merges.count)
        for (rank, (a, b)) in merges.enumerated() {
            guard let ia = v[a], let ib = v[b], let im = v[a + b] else {
                throw ModelFileError(source, "merge \(rank) (\"\(a)\" \"\(b)\") names a token not in the vocabulary")
            }
            let k = BPE.key(ia, ib)
            if m[k] == nil { m[k] = (Int32(rank), im) }
        }
        bpe = BPE(merges: m, byteIDs: byteIDs)
        self.preTokenizer = preTokenizer
        self.added = added.map { (Array($0.0.utf8), $0.1) }.sorted { $0.0.count > $1.0.count }
        specialIDs = Set(added.filter(\.special).map(\.1))
        let addedIDs = Dictionary(added.map { ($0.1, $0.0) }, uniquingKeysWith: { a, _ in a })
        tokenBytes = tokens.enumerated().map { i, t in
            if let a = addedIDs[Int32(i)] { return Array(a.utf8) }
            return ByteLevel.bytes(of: t) ?? Array(t.utf8)
        }
        self.ignoreMerges = ignoreMerges
        self.nfc = nfc
        self.bos = bos
        self.eos = eos
    }

    public var vocabSize: Int { tokens.count }

    public func id(of token: String) -> Int32? {
        if let a = added.first(where: { $0.text == Array(token.utf8) }) { return a.id }
        return vocab[token]
    }

    /// Token ids of `text`; added tokens written in the text become single tokens.
    public func encode(_ text: String) -> [Int32] {
        let t = nfc ? text.precomposedStringWithCanonicalMapping : text
        var out: [Int32] = []
        let bytes = Array(t.utf8)
        var segStart = 0, i = 0
        while i < bytes.count {
            if let a = addedMatch(bytes, i) {
                if segStart < i { encodeSegment(bytes[segStart..<i], into: &out) }
                out.append(a.id)
                i += a.text.count
                segStart = i
            } else {
                i += 1
            }
        }
        if segStart < bytes.count { encodeSegment(bytes[segStart...], into: &out) }
        return out
    }

    private func addedMatch(_ b: [UInt8], _ i: Int) -> (text: [UInt8], id: Int32)? {
        for a in added where a.text.count <= b.count - i && b[i] == a.text[0] {
            if b[i..<(i + a.text.count)].elementsEqual(a.text) { return a }
        }
        return nil
    }

    private func encodeSegment(_ seg: ArraySlice<UInt8>, into out: inout [Int32]) {
        let scalars = Array(String(decoding: seg, as: UTF8.self).unicodeScalars)
        var offsets = [Int](repeating: 0, count: scalars.count + 1)   // scalar index → byte offset in seg
        for (k, s) in scalars.enumerated() { offsets[k + 1] = offsets[k] + UTF8.width(s) }
        let base = seg.startIndex
        for r in preTokenizer.split(scalars) {
            let piece = Array(seg[(base + offsets[r.lowerBound])..<(base + offsets[r.upperBound])])
            if let hit = cacheLock.withLock({ cache[piece] }) { out += hit; continue }
            var ids: [Int32] = []
            if ignoreMerges, let whole = vocab[String(piece.map { ByteLevel.byteToChar[Int($0)] })] {
                ids = [whole]
            } else {
                piece.withUnsafeBufferPointer { bpe.encode($0, into: &ids) }
            }
            cacheLock.withLock {
                if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
                cache[piece] = ids
            }
            out += ids
        }
    }

    /// The bytes of a token (its text for added tokens).
    public func bytes(of id: Int32) -> [UInt8] { id >= 0 && Int(id) < tokenBytes.count ? tokenBytes[Int(id)] : [] }

    /// Text of `ids`, byte for byte (invalid UTF-8 from partial tokens becomes U+FFFD, as in the reference).
    public func decode(_ ids: [Int32]) -> String {
        var b: [UInt8] = []
        for id in ids { b += bytes(of: id) }
        return String(decoding: b, as: UTF8.self)
    }
}

/// Turns a stream of token ids into text as it arrives: a character split across tokens is held back
/// until its last byte comes, so every emitted string is whole UTF-8.
public struct StreamingDecoder {
    let tokenizer: Tokenizer
    var pending: [UInt8] = []

    public init(_ t: Tokenizer) { tokenizer = t }

    public mutating func push(_ id: Int32) -> String {
        pending += tokenizer.bytes(of: id)
        let keep = Self.incompleteTail(pending)
        let ready = pending[..<(pending.count - keep)]
        let s = String(decoding: ready, as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return s
    }

    /// Whatever is still held (an unfinished character), decoded with replacement.
    public mutating func finish() -> String {
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Bytes at the end that begin a UTF-8 sequence not yet complete (0–3).
    static func incompleteTail(_ b: [UInt8]) -> Int {
        var k = 0
        while k < min(3, b.count) {
            let c = b[b.count - 1 - k]
            if c & 0xC0 == 0x80 { k += 1; continue }   // continuation byte: look further back
            let need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
            return need > k + 1 ? k + 1 : 0
        }
        return 0
    }
}
