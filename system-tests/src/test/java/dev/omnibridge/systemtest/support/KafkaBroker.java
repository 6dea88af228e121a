package dev.omnibridge.systemtest.support;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kafka 4.1 broker in KRaft mode, in the test JVM: one node that is both broker and controller, on free
 * ports of 127.0.0.1, its data in a temporary directory deleted on {@link #close()}. Settings are cut down for a
 * single node that starts fast (replication factor 1, one offsets partition, no initial rebalance delay).
 *
 * <p>The hub under test runs as its own process with its own kafka-clients (from the camel-kafka plugin zip); the
 * helpers here ({@link #createTopic}, {@link #produce}, {@link #consumeAll}) use the test JVM's kafka-clients.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final int port;
    private final Properties props;
    private volatile KafkaRaftServer server;
    private volatile Duration startTime;

    private KafkaBroker(Path dataDir, int port, Properties props) {
        this.dataDir = dataDir;
        this.port = port;
        this.props = props;
    }

    /** Formats a fresh log directory and starts the node; returns once the broker accepts clients. */
    public static KafkaBroker start() {
        KafkaBroker broker = prepare();
        broker.run();
        return broker;
    }

    /**
     * Chooses the ports and the data directory, so that {@link #bootstrapServers()} is known before the broker runs
     * (e.g. to start a client process meanwhile); {@link #run()} starts it.
     */
    public static KafkaBroker prepare() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("kafka-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = freePort();
        int controllerPort = freePort();
        String logDir = dataDir.toString();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir);
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        // One node: every internal topic with one replica; few partitions keep start-up and group joins quick.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // The broker is unfenced on a heartbeat answer; the default 2 s interval alone costs seconds at start-up.
        props.put("broker.heartbeat.interval.ms", "100");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        return new KafkaBroker(dataDir, port, props);
    }

    /** Formats the log directory and starts the node; returns once the broker accepts clients. */
    public void run() {
        long started = System.nanoTime();
        String logDir = dataDir.toString();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir)
                    .setDirectories(List.of(logDir))
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka log directory " + logDir, e);
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        awaitReady(bootstrapServers());
        startTime = Duration.ofNanos(System.nanoTime() - started);
    }

    /** {@code bootstrap.servers} for clients and for camel-kafka's {@code brokers} option. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** From the start of {@link #run()} until the broker answered a client (formatting included). */
    public Duration startTime() {
        return startTime;
    }

    public void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    /** Sends every record (key, value) to the topic, in order, and waits until the broker has acknowledged all. */
    public void produce(String topic, List<Map.Entry<String, String>> records) {
        produce(topic, records, Map.of());
    }

    /** As {@link #produce(String, List)}, each record with these Kafka headers (values as UTF-8). */
    public void produce(String topic, List<Map.Entry<String, String>> records, Map<String, String> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (Map.Entry<String, String> record : records) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, record.getKey(), record.getValue());
                headers.forEach((name, value) -> r.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(r);
            }
            producer.flush();
        }
    }

    /**
     * Reads the topic from the beginning until {@code count} records have arrived (or {@code timeout} passed), with
     * no consumer group: nothing is committed, so every call sees the whole topic again. In offset order per
     * partition.
     */
    public List<ConsumerRecord<String, String>> consumeAll(String topic, int count, Duration timeout) {
        return readFromStart(topic, (consumer, partitions, received) -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (received.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        });
    }

    /**
     * Every record the topic has now, from the beginning up to its current end, in offset order per partition; with
     * no consumer group, so nothing is committed.
     */
    public List<ConsumerRecord<String, String>> consumeToEnd(String topic) {
        return readFromStart(topic, (consumer, partitions, received) -> {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end + " in 30 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
            }
        });
    }

    /** How a read from the start of every partition goes on, adding what it polls to {@code received}. */
    private interface Reading {
        void read(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
                  List<ConsumerRecord<String, String>> received);
    }

    /** A consumer without a group (nothing committed) at the beginning of each of the topic's partitions. */
    private List<ConsumerRecord<String, String>> readFromStart(String topic, Reading reading) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            reading.read(consumer, partitions, received);
        }
        return received;
    }

    /** The committed offsets of a consumer group on a topic's partitions (partition → offset; absent = none). */
    public Map<Integer, Long> committedOffsets(String groupId) {
        try (Admin admin = admin()) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = admin
                    .listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<Integer, Long> result = new java.util.TreeMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null) {
                    result.put(tp.partition(), om.offset());
                }
            });
            return result;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of group " + groupId, e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory; the OS cleans it up eventually.
        }
    }

    private Admin admin() {
        return admin(bootstrapServers());
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static void awaitReady(String bootstrapServers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin(bootstrapServers)) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Poll.sleep(50);
        }
        throw new IllegalStateException("the Kafka broker did not answer within 60 s", last);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
