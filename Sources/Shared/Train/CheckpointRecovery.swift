import Foundation

/// Finding the newest complete checkpoint after a kill at any instant. `HFDirectoryWriter` writes a
/// checkpoint into `DIR.tmp-PID`, then renames `DIR` to `DIR.old-PID`, `DIR.tmp-PID` to `DIR`, and removes
/// the old one. A kill between those steps leaves the complete checkpoints under the sibling names, so
/// `--resume` looks at all of them, moves the newest complete one (trainer_state.json is written last) to
/// `DIR`, and removes the stale rest. Siblings of a live process are never touched.
public enum CheckpointRecovery {
    /// Files a complete training checkpoint holds.
    static let files = ["config.json", "model.safetensors", "optimizer.safetensors", "tokenizer.json", "trainer_state.json"]

    /// The step a directory holds a complete checkpoint of, or nil.
    public static func completeStep(_ dir: String) -> Int? {
        let fm = FileManager.default
        guard files.allSatisfy({ fm.fileExists(atPath: dir + "/" + $0) }) else { return nil }
        return (try? TrainerState.load(dir + "/trainer_state.json"))?.step
    }

    /// Sibling directories a writer of `dir` left: (path, pid of the writer).
    static func siblings(_ dir: String) -> [(path: String, pid: Int32)] {
        let url = URL(fileURLWithPath: dir)
        let parent = url.deletingLastPathComponent().path, base = url.lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        return names.sorted().compactMap { n in
            for tag in [".tmp-", ".old-"] where n.hasPrefix(base + tag) {
                guard let pid = Int32(n.dropFirst(base.count + tag.count)) else { return nil }
                return (parent + "/" + n, pid)
            }
            return nil
        }
    }

    static func alive(_ pid: Int32) -> Bool { pid == getpid() || kill(pid, 0) == 0 || errno == EPERM }

    /// Makes `dir` the newest complete checkpoint among it and its dead writers' siblings, removing the
    /// rest. Returns a message when something was recovered or removed.
    @discardableResult
    public static func recover(_ dir: String) throws -> [String] {
        let fm = FileManager.default
        let stale = siblings(dir).filter { !alive($0.pid) }
        guard !stale.isEmpty else { return [] }
        var notes: [String] = []
        let current = completeStep(dir)
        let best = stale.compactMap { s in completeStep(s.path).map { (s.path, $0) } }.max { $0.1 < $1.1 }
        if let (path, step) = best, step > current ?? -1 {
            if fm.fileExists(atPath: dir) { try fm.removeItem(atPath: dir) }   // incomplete or older
            try fm.moveItem(atPath: path, toPath: dir)
            notes.append("recovered the checkpoint of step \(step) from \(path) (a run was killed while saving)")
        }
        for s in stale where fm.fileExists(atPath: s.path) {
            try fm.removeItem(atPath: s.path)
            notes.append("removed stale \(s.path)")
        }
        return notes
    }
}
