import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads into `$XDG_CACHE_HOME/s1` (default `~/.cache/s1`). A file enters the cache only complete:
/// it is written under a temporary name, its length checked against Content-Length, then renamed, so a
/// transfer that dies half way leaves nothing behind that a later run would trust.
public struct DownloadCache {
    public let directory: String

    public init(directory: String? = nil) {
        if let d = directory {
            self.directory = d
        } else {
            let env = ProcessInfo.processInfo.environment
            let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
            self.directory = base + "/s1"
        }
    }

    /// The cache file for an address: readable name plus a digest so different URLs never collide.
    public func path(for address: String) -> String {
        var base = address.split(separator: "/").last.map(String.init) ?? "download"
        if address.hasPrefix("hf:") { base = address.dropFirst(3).replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "_") + ".jsonl" }
        base = String(base.prefix(80).map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
        return directory + "/" + String(SHA256.hex(address.utf8).prefix(12)) + "-" + base
    }

    public func fetch(_ address: String, offline: Bool) throws -> String {
        let dest = path(for: address)
        if FileManager.default.fileExists(atPath: dest) { return dest }
        if offline { throw UsageError("\(address): not in the cache (\(dest)) and --offline forbids the network") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let tmp = dest + ".part-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        if address.hasPrefix("hf:") {
            try fetchDatasetRows(address, to: tmp)
        } else {
            let data = try HTTP.get(address)
            guard FileManager.default.createFile(atPath: tmp, contents: data) else {
                throw IOFailure("\(tmp): cannot write")
            }
        }
        if rename(tmp, dest) != 0 { throw IOFailure("\(dest): rename failed: \(String(cString: strerror(errno)))") }
        return dest
    }

    /// `hf:OWNER/NAME:CONFIG:SPLIT` → every row, paged 100 at a time, as JSONL.
    func fetchDatasetRows(_ address: String, to tmp: String) throws {
        let parts = address.dropFirst(3).split(separator: ":").map(String.init)
        guard parts.count == 3 else { throw UsageError("\(address): expected hf:OWNER/NAME:CONFIG:SPLIT") }
        let sink = try ByteSink(path: tmp, compress: false)
        var offset = 0
        var total = Int.max
        while offset < total {
            var c = URLComponents(string: "https://datasets-server.huggingface.co/rows")!
            c.queryItems = [URLQueryItem(name: "dataset", value: parts[0]), URLQueryItem(name: "config", value: parts[1]),
                            URLQueryItem(name: "split", value: parts[2]), URLQueryItem(name: "offset", value: String(offset)),
                            URLQueryItem(name: "length", value: "100")]
            let data = try HTTP.get(c.url!.absoluteString)
            guard let page = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let rows = page["rows"] as? [[String: Any]] else {
                throw InputError(address, "unexpected datasets-server answer at offset \(offset)")
            }
            total = page["num_rows_total"] as? Int ?? (offset + rows.count)
            if rows.isEmpty { break }
            for r in rows {
                let row = r["row"] ?? r
                try sink.write(try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]).map { $0 })
                try sink.write([0x0A])
            }
            offset += rows.count
            Log.line("\(address): \(offset)/\(total == Int.max ? 0 : total) rows")
        }
        try sink.close()
    }
}

/// One blocking GET; fails on any status but 2xx and on a body shorter than its Content-Length.
public enum HTTP {
    public static func get(_ address: String, timeout: TimeInterval = 60) throws -> Data {
        guard let url = URL(string: address) else { throw UsageError("\(address): not a valid URL") }
        var req = URLRequest(url: url, timeoutInterval: timeout)
        if let token = ProcessInfo.processInfo.environment["HF_TOKEN"], url.host?.hasSuffix("huggingface.co") == true {
            req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        let box = exchange(URLSession.shared, req)
        if let e = box.error { throw IOFailure("\(address): download failed: \(e.localizedDescription)") }
        guard let http = box.response as? HTTPURLResponse, let data = box.data else {
            throw IOFailure("\(address): no HTTP response")
        }
        guard (200..<300).contains(http.statusCode) else {
            throw IOFailure("\(address): HTTP \(http.statusCode)")
        }
        if let cut = cutShort(http, data) { throw IOFailure("\(address): \(cut)") }
        return data
    }
}
