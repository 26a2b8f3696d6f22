import Foundation

/// A Hugging Face config.json (Llama, Qwen2 and Qwen3 fields), snake_case keys, optional ones defaulted as
/// transformers defaults them. RoPE's base is `rope_theta`, or (transformers 5) `rope_parameters.rope_theta`.
public struct HFConfig: Codable {
    public var architectures: [String]?
    public var modelType: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int?
    public var headDim: Int?
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int?
    public var ropeTheta: Double?
    public var ropeParameters: RopeParameters?
    public struct RopeParameters: Codable { public var ropeTheta: Double?; public var ropeType: String? }
    /// The RoPE base wherever the file keeps it.
    public var theta: Double? { ropeTheta ?? ropeParameters?.ropeTheta }
    public var rmsNormEps: Double?
    public var tieWordEmbeddings: Bool?
    public var attentionBias: Bool?
    public var bosTokenId: Int?
    public var eosTokenId: EOS?
    public var torchDtype: String?
    public var hiddenAct: String?

    /// `eos_token_id` is an int or a list of ints.
    public enum EOS: Codable {
        case one(Int), many([Int])
        public init(from d: Decoder) throws {
            let c = try d.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .one(i) } else { self = .many(try c.decode([Int].self)) }
        }
        public func encode(to e: Encoder) throws {
            var c = e.singleValueContainer()
            switch self {
            case .one(let i): try c.encode(i)
            case .many(let a): try c.encode(a)
            }
        }
        public var ids: [Int] { switch self { case .one(let i): return [i]; case .many(let a): return a } }
    }

    public static func load(_ path: String) throws -> HFConfig {
        let data = Data(try MappedFile.document(path, limit: 1 << 24))
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        do { return try d.decode(HFConfig.self, from: data) } catch {
            throw ModelFileError(path, "not a usable config.json: \(error)")
        }
    }

    public func write(_ path: String) throws {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        try e.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
