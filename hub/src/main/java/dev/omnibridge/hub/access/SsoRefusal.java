package dev.omnibridge.hub.access;

/**
 * A single sign-on the hub refuses. The {@link #code()} goes to the browser (the console shows its message); the
 * detail goes to the audit trail. Neither ever holds a token, code, state, nonce, verifier or secret.
 */
public final class SsoRefusal extends Exception {
    private final String code;
    private final boolean countsAsFailure;

    /**
     * @param countsAsFailure whether it counts against the client's address like a wrong token does (forged or
     *                        replayed answers), rather than a problem of the user's account
     */
    public SsoRefusal(String code, String detail, boolean countsAsFailure) {
        super(detail, null, false, false);
        this.code = code;
        this.countsAsFailure = countsAsFailure;
    }

    /** A refusal that may point at forged or replayed answers. */
    static SsoRefusal suspicious(String code, String detail) {
        return new SsoRefusal(code, detail, true);
    }

    static SsoRefusal of(String code, String detail) {
        return new SsoRefusal(code, detail, false);
    }

    public String code() {
        return code;
    }

    public boolean countsAsFailure() {
        return countsAsFailure;
    }
}
