import Foundation

/// A checkpoint's trainer_state.json: the optimizer step it was saved after and the run's length, so
/// `--resume` continues the same schedule. Read strictly: every error names the file.
public struct TrainerState: Equatable {
    public var step: Int
    public var totalSteps: Int
    public var epochs: Int?
    public var batchSize: Int?

    public init(step: Int, totalSteps: Int, epochs: Int? = nil, batchSize: Int? = nil) {
        self.step = step; self.totalSteps = totalSteps; self.epochs = epochs; self.batchSize = batchSize
    }

    /// `maxSteps`: the longest run a checkpoint may describe (the resumed run's own length).
    public static func load(_ path: String, maxSteps: Int = 1 << 40) throws -> TrainerState {
        try parse(MappedFile.document(path, limit: 1 << 20), path: path, maxSteps: maxSteps)
    }

    public static func parse(_ bytes: [UInt8], path: String, maxSteps: Int = 1 << 40) throws -> TrainerState {
        let root = try bytes.withUnsafeBytes { try parseJSONDocument($0, path: path, what: "the trainer state") }
        func int(_ key: String, _ range: ClosedRange<Int>, required: Bool) throws -> Int? {
            guard let v = root[key] else {
                if required { throw ModelFileError(path, "\(key) is missing") }
                return nil
            }
            guard let i = v.int, range.contains(i) else {
                throw ModelFileError(path, "\(key) is \(String(decoding: v.raw.prefix(40), as: UTF8.self)), not an integer, or outside \(range.lowerBound)…\(range.upperBound)")
            }
            return i
        }
        let total = try int("total_steps", 0...maxSteps, required: true)!
        let step = try int("step", 0...total, required: true)!
        return TrainerState(step: step, totalSteps: total, epochs: try int("epochs", 0...(1 << 20), required: false),
                            batchSize: try int("batch_size", 1...(1 << 30), required: false))
    }

    public var json: [UInt8] {
        var m: [(String, JSONValue)] = [("step", .int(step)), ("total_steps", .int(totalSteps))]
        if let epochs { m.append(("epochs", .int(epochs))) }
        if let batchSize { m.append(("batch_size", .int(batchSize))) }
        return JSONValue.object(m).bytes
    }
}
