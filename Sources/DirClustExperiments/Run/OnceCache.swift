/// A value per key computed once per run: the first request starts the work, concurrent and later requests
/// for the same key wait for that one result (the dry renders of a run, its target bases per seed).
actor OnceCache<Key: Hashable & Sendable, Value: Sendable> {
    private var tasks: [Key: Task<Value, Error>] = [:]

    func value(_ key: Key, _ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        if let t = tasks[key] { return try await t.value }
        let t = Task { try body() }
        tasks[key] = t
        return try await t.value
    }
}
