/// `s1-filter merge SHARD_FILE… --like INPUT`: the outputs of `--shard K/N` runs put back in the input's
/// order, each record written as its shard wrote it, so the merge is byte-identical to an unsharded run
/// (timings aside). Every id of the input must be in some shard (else an error naming it), and every shard
/// record must belong to the input; a record found twice (a shard re-run into a second file) is kept once.
/// Holds the shard records in memory, one buffer each.
public enum ShardMerge {
    /// `dropped`: input records the shard runs set aside themselves (s1-think under mpirun: `--skip-ids`,
    /// `--skip-bad`) are skipped instead of being an error.
    public static func merge(shards: [String], like: [String], writer: RecordWriter, policy: BadLinePolicy, maxLineBytes: Int,
                             missingAllowed: Bool = false) throws {
        let tally = policy.tally
        var byID: [String: Record] = [:]
        let shardReader = RecordReader(paths: shards, policy: policy, maxLineBytes: maxLineBytes)
        while let r = try shardReader.next() {
            guard let id = r.string("id") else {
                try policy.reject(InputError(r.source, line: r.line, "shard record has no `id` string"), record: r)
                continue
            }
            if byID[id] == nil { byID[id] = r } else { tally.drop("found twice in the shards") }
        }
        let shardRecords = tally.read
        var used = Set<String>()
        // The input's own lines are not records of this run's output: they are read with a private tally.
        let likeReader = RecordReader(paths: like, policy: BadLinePolicy(skipBad: policy.skipBad, rejects: nil, tally: Tally(tool: "merge --like")),
                                      maxLineBytes: maxLineBytes)
        while let r = try likeReader.next() {
            guard let id = r.string("id") else {
                if missingAllowed { continue }   // the ranks rejected it already
                throw InputError(r.source, line: r.line, "record has no `id` string, so its shard is unknown")
            }
            guard let out = byID[id] else {
                if missingAllowed { continue }
                throw InputError(r.source, line: r.line, "record \(id) is in no shard file")
            }
            used.insert(id)
            try writer.write(out)
        }
        if let stray = byID.keys.sorted().first(where: { !used.contains($0) }), let r = byID[stray] {
            throw InputError(r.source, line: r.line, "record \(stray) is not in \(like.joined(separator: ", ")) (\(byID.count - used.count) such records): wrong --like or shard files?")
        }
        tally.read = shardRecords
    }
}
