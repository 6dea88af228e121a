package dev.omnibridge.hub.store;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.FreeSpaceBitSet;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.h2.mvstore.SingleFileStore;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes erased data unreadable in the embedded H2 file. H2 never overwrites a page in place: an UPDATE writes the
 * new version into a new chunk and leaves the old one where it was, so after an erasure the names, addresses and
 * texts are still in the file's bytes, in chunks partly or wholly dead, until that space happens to be reused. This
 * does what {@code SHUTDOWN COMPACT} does, but online: it rewrites the live pages of every chunk that holds a dead
 * page (fill below 100 %) so that those chunks die, moves chunks to the start of the file and truncates it, and then
 * overwrites every block the store counts as free with zeros, under H2's store and chunk-save locks so that no commit
 * allocates a block meanwhile.
 *
 * <p>Run it on the journal writer ({@link Journal#submit}), after the erasure's commit. It uses H2's internal API
 * (pinned to H2 2.3, tested in {@code StoreWipeTest}); on any other store (PostgreSQL) it does nothing and says so:
 * there, dead tuples stay until VACUUM reuses their space (see docs).
 */
public final class StoreWipe {
    private static final int BLOCK = 4096;
    private static final int MAX_ROUNDS = 50;

    private StoreWipe() {
    }

    /** What a wipe did; {@code supported} false when the store is not an embedded H2 file. */
    public record Result(boolean supported, long fileBytesBefore, long fileBytesAfter, long zeroedBytes) {
    }

    /** Compacts fully and zeroes the free space of the store behind this connection. */
    public static Result wipe(Connection connection) throws SQLException {
        MVStore store = StoreMaintenance.mvStore(connection);
        if (store == null || !(store.getFileStore() instanceof SingleFileStore file)) {
            return new Result(false, 0, 0, 0);
        }
        long before = file.size();
        store.setRetentionTime(0);
        // Chunks with a dead page are rewritten (their live pages move to a new chunk), which kills them; repeated,
        // because the rewrite's own chunk and H2's layout map leave a little more to do each round.
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long writes = file.getWriteCount();
            boolean rewritten = file.compact(100, Integer.MAX_VALUE);
            store.commit();
            file.compactMoveChunks(100, Long.MAX_VALUE, store);
            if (!rewritten && file.getWriteCount() == writes) {
                break;
            }
        }
        store.commit();
        long zeroed;
        try {
            zeroed = zeroFreeBlocks(store, file);
        } catch (ReflectiveOperationException e) {
            throw new SQLException("cannot wipe the free space of the store file (H2 internals changed?): " + e, e);
        }
        return new Result(true, before, file.size(), zeroed);
    }

    private static long zeroFreeBlocks(MVStore store, SingleFileStore file) throws ReflectiveOperationException {
        ReentrantLock storeLock = (ReentrantLock) field(MVStore.class, "storeLock").get(store);
        ReentrantLock serializationLock = (ReentrantLock) field(org.h2.mvstore.FileStore.class, "serializationLock")
                .get(file);
        ReentrantLock saveChunkLock = (ReentrantLock) field(org.h2.mvstore.FileStore.class, "saveChunkLock").get(file);
        FreeSpaceBitSet free = (FreeSpaceBitSet) field(RandomAccessStore.class, "freeSpace").get(file);
        FileChannel channel = (FileChannel) field(SingleFileStore.class, "fileChannel").get(file);
        // The order H2 takes them in a commit, so that a commit in progress finishes before the wipe starts.
        storeLock.lock();
        try {
            serializationLock.lock();
            try {
                saveChunkLock.lock();
                try {
                    long zeroed = 0;
                    long size = file.size();
                    ByteBuffer zeros = ByteBuffer.allocate(BLOCK);
                    // Blocks 0 and 1 are the store header, never free.
                    for (long pos = 2L * BLOCK; pos + BLOCK <= size; pos += BLOCK) {
                        if (free.isFree(pos, BLOCK)) {
                            zeros.clear();
                            DataUtils.writeFully(channel, pos, zeros);
                            zeroed += BLOCK;
                        }
                    }
                    file.sync();
                    return zeroed;
                } finally {
                    saveChunkLock.unlock();
                }
            } finally {
                serializationLock.unlock();
            }
        } finally {
            storeLock.unlock();
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
