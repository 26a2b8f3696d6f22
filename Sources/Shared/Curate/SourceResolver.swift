import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Turns a SOURCE argument into local files: a path as it is, an http(s) URL through the download cache,
/// a named source through the local data folder (`--data-dir` / `$S1_DATA_DIR`) when it has the set,
/// else through the set's public address.
public struct SourceResolver {
    public struct Resolved {
        public var path: String
        public var display: String
        /// source_type forced by a named source ("aime24"), when it has one.
        public var sourceType: String?
    }

    /// A named source: where it lives in a local copy of the public data, and where on the network.
    public struct Named {
        public let name: String
        public let sourceType: String
        public let localPath: String?
        public let remote: String
    }

    /// Public addresses: plain files where the publisher offers JSONL/CSV; otherwise `hf:` datasets read
    /// through the Hugging Face datasets-server row API (their files are Parquet).
    public static let named: [Named] = [
        Named(name: "math500", sourceType: "math500", localPath: "math500/test.jsonl",
              remote: "https://huggingface.co/datasets/HuggingFaceH4/MATH-500/resolve/main/test.jsonl"),
        Named(name: "aime24", sourceType: "aime24", localPath: "s1_eval_aime24/aime24_nofigures.jsonl",
              remote: "hf:simplescaling/aime24_nofigures:default:train"),
        Named(name: "aime25", sourceType: "aime25", localPath: "s1_eval_aime25/aime25_nofigures.jsonl",
              remote: "hf:simplescaling/aime25_nofigures:default:train"),
        Named(name: "aime", sourceType: "aime", localPath: "aime_1983_2024/AIME_Dataset_1983_2024.csv",
              remote: "hf:gneubig/aime-1983-2024:default:train"),
        Named(name: "gsm8k", sourceType: "gsm8k", localPath: "qwen25math_eval/gsm8k/test.jsonl",
              remote: "https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data/test.jsonl"),
        Named(name: "amc23", sourceType: "amc23", localPath: "qwen25math_eval/amc23/test.jsonl",
              remote: "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/main/evaluation/data/amc23/test.jsonl"),
        Named(name: "minerva", sourceType: "minerva_math", localPath: "qwen25math_eval/minerva_math/test.jsonl",
              remote: "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/main/evaluation/data/minerva_math/test.jsonl"),
        Named(name: "olympiadbench", sourceType: "olympiadbench", localPath: "qwen25math_eval/olympiadbench/test.jsonl",
              remote: "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/main/evaluation/data/olympiadbench/test.jsonl"),
        Named(name: "champ", sourceType: "champ", localPath: "champ/champ_problems.jsonl",
              remote: "hf:yujunmao/champ:default:test"),
        Named(name: "gpqa-diamond", sourceType: "gpqa", localPath: nil,
              remote: "https://huggingface.co/datasets/Idavidrein/gpqa/resolve/main/gpqa_diamond.csv"),
        Named(name: "numinamath", sourceType: "numinamath", localPath: nil, remote: "hf:AI-MO/NuminaMath-CoT:default:train"),
        Named(name: "omnimath", sourceType: "omnimath", localPath: nil, remote: "hf:KbsdJames/Omni-MATH:default:test"),
        Named(name: "s1k", sourceType: "s1k", localPath: nil, remote: "hf:simplescaling/s1K:default:train"),
        Named(name: "s1k-1.1", sourceType: "s1k-1.1", localPath: nil, remote: "hf:simplescaling/s1K-1.1:default:train"),
    ]

    public var dataDir: String?
    public var offline: Bool
    public var cache: DownloadCache

    public init(dataDir: String?, offline: Bool, cache: DownloadCache = DownloadCache()) {
        self.dataDir = dataDir
        self.offline = offline
        self.cache = cache
    }

    public func resolve(_ spec: String) throws -> Resolved {
        if spec == "-" { return Resolved(path: "-", display: "stdin") }
        if spec.hasPrefix("http://") || spec.hasPrefix("https://") || spec.hasPrefix("hf:") {
            return Resolved(path: try cache.fetch(spec, offline: offline), display: spec)
        }
        if FileManager.default.fileExists(atPath: spec) { return Resolved(path: spec, display: spec) }
        if let n = Self.named.first(where: { $0.name == spec.lowercased() }) {
            if let dir = dataDir, let local = n.localPath {
                let p = (dir as NSString).appendingPathComponent(local)
                if FileManager.default.fileExists(atPath: p) { return Resolved(path: p, display: spec, sourceType: n.sourceType) }
            }
            return Resolved(path: try cache.fetch(n.remote, offline: offline), display: spec, sourceType: n.sourceType)
        }
        if spec.hasPrefix("synthetic:") {
            // Generated once into the cache (deterministic for the spec and the generator's version), then read like any file.
            let (split, n, seed) = try SyntheticProblems.parse(spec)
            let dir = cache.directory + "/synthetic-v\(SyntheticProblems.version)"
            let path = dir + "/\(split.rawValue)-\(n)-\(seed).jsonl"
            if !FileManager.default.fileExists(atPath: path) {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let tmp = path + ".tmp-\(getpid())"
                try SyntheticProblems.jsonl(SyntheticProblems.generate(split, count: n, seed: seed)).write(toFile: tmp, atomically: false, encoding: .utf8)
                try FileManager.default.moveItem(atPath: tmp, toPath: path)
            }
            return Resolved(path: path, display: spec, sourceType: nil)
        }
        throw UsageError("\(spec): no such file, and not a named source (known: \(Self.named.map(\.name).joined(separator: ", ")))")
    }
}
