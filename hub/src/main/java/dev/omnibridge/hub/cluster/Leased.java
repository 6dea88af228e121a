package dev.omnibridge.hub.cluster;

import dev.omnibridge.hub.store.AfterCommit;
import dev.omnibridge.hub.store.TxWork;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * A timer's unit of work ({@code journal.every(...)}) that runs on one node of a cluster at a time: the holder of
 * lease {@code timer:<name>}. On other nodes the unit does nothing; on the holder it first checks the lease's
 * fence in the same transaction as the timer's writes, so a node paused past its lease writes nothing. The lease is
 * wanted when the unit first runs (on the journal's writer thread); a hub on its own gets it at once, with nothing
 * to check, so there the unit costs one field read more than before.
 */
public final class Leased<T> implements TxWork<T>, LeaseListener {
    private static final Logger LOG = LoggerFactory.getLogger(Leased.class);
    private final String name;
    private final TxWork<T> work;
    private final Supplier<Leases> leases;
    private volatile Fence fence;   // null while another node holds the lease
    private Leases.Wanted wanted;   // writer thread only

    /**
     * @param name   the lease, {@code timer:<what>}
     * @param leases the cluster's leases; null (no cluster set, as in store tests): the unit always runs
     */
    public Leased(String name, TxWork<T> work, Supplier<Leases> leases) {
        this.name = name;
        this.work = work;
        this.leases = leases;
    }

    public String name() {
        return name;
    }

    @Override
    public T apply(Connection c, AfterCommit after) throws SQLException {
        Leases l = leases.get();
        if (l == null) {
            return work.apply(c, after);
        }
        if (wanted == null) {
            wanted = l.want(name, this);   // a single node: acquired before want returns
        }
        Fence f = fence;
        if (f == null) {
            return null;   // another node runs this timer
        }
        if (!f.none()) {
            if (!l.stillHeld(f)) {
                return null;   // paused past the lease by this node's clock: the lease thread will say lost
            }
            try {
                l.verify(c, f);
            } catch (LeaseLost lost) {
                // Refused before any write (the check is the unit's first statement): stand by until acquired again.
                LOG.info("Timer {} stops here: lease token {} no longer held", name, f.token());
                fence = null;
                return null;
            }
        }
        return work.apply(c, after);
    }

    @Override
    public void acquired(Fence fence) {
        this.fence = fence;
    }

    @Override
    public void lost(Fence fence) {
        this.fence = null;
    }

    /** Whether this node runs the timer now. */
    public boolean held() {
        return fence != null;
    }
}
