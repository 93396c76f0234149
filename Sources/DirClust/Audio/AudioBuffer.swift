/// Multichannel audio as one contiguous `[Double]` per channel (channel-major), at a sample rate.
public struct AudioBuffer: Sendable, Equatable {
    public var sampleRate: Int
    /// `channels[c][n]`: sample n of channel c. All channels have the same length.
    public var channels: [[Double]]

    public init(sampleRate: Int, channels: [[Double]]) {
        precondition(Set(channels.map(\.count)).count <= 1, "AudioBuffer: channels differ in length")
        self.sampleRate = sampleRate
        self.channels = channels
    }

    public var channelCount: Int { channels.count }
    public var frameCount: Int { channels.first?.count ?? 0 }
    public var seconds: Double { Double(frameCount) / Double(sampleRate) }
}
