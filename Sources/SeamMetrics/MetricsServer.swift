import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP server (SwiftNIO, one event-loop thread) for `watch --metrics ADDR:PORT`:
/// - `GET /metrics`: the registry in the Prometheus text exposition format (0.0.4), written by
///   swift-prometheus. swift-prometheus 2.4.1 has no OpenMetrics writer, so a scraper that asks
///   for OpenMetrics (`Accept: application/openmetrics-text`) gets the text format too, with its
///   own content type, which Prometheus accepts (its Accept header lists it as a fallback).
/// - `GET /healthz`: 200 with "ok..." while `WatchMetrics.health` holds, else 503 with why.
/// Anything else: 404 (405 for a method other than GET or HEAD).
public final class MetricsServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    /// The port bound (the one asked for, or the one the system chose for port 0).
    public let port: Int

    /// Binds `host:port` (port 0: any free port) and starts serving.
    public init(host: String, port: Int, metrics: WatchMetrics) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 64)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(metrics: metrics))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        self.port = channel.localAddress?.port ?? port
    }

    /// Stops serving and ends the event-loop thread.
    public func close() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// `ADDR:PORT` (`127.0.0.1:9464`, `[::1]:0`, `:9464` for every address) as (host, port).
    public static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// Answers one request at a time on one connection (HTTP/1.1 keep-alive honoured).
final class MetricsHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: WatchMetrics
    private var head: HTTPRequestHead?

    init(metrics: WatchMetrics) { self.metrics = metrics }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let h = head else { return }
            head = nil
            respond(context: context, to: h)
        }
    }

    private func respond(context: ChannelHandlerContext, to request: HTTPRequestHead) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        var status = HTTPResponseStatus.ok
        var type = "text/plain; charset=utf-8"
        var body: [UInt8]
        if request.method != .GET && request.method != .HEAD {
            status = .methodNotAllowed
            body = Array("GET or HEAD\n".utf8)
        } else if path == "/metrics" {
            type = "text/plain; version=0.0.4; charset=utf-8"
            body = metrics.registry.emitToBuffer()
        } else if path == "/healthz" {
            let (healthy, why) = metrics.health()
            status = healthy ? .ok : .serviceUnavailable
            body = Array((why + "\n").utf8)
        } else {
            status = .notFound
            body = Array("not found: /metrics and /healthz are served\n".utf8)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(body.count))
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                      promise: nil)
        if request.method != .HEAD {
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
