package dev.omnibridge.testkit.contract;

/** Changes a signed body the way an attacker (or a broken proxy) would: one letter or digit, the rest left as is. */
final class Tampering {
    private Tampering() {
    }

    /** The body with one ASCII letter or digit from its middle on replaced by another; one byte added if it has none. */
    static byte[] alter(byte[] body) {
        byte[] out = body.clone();
        for (int n = 0; n < out.length; n++) {
            int i = (out.length / 2 + n) % out.length;
            byte b = out[i];
            if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
                out[i] = (byte) (b == 'x' ? 'y' : b == 'X' ? 'Y' : b == 'z' ? 'x' : b == 'Z' ? 'X' : b + 1);
                return out;
            }
            if (b >= '0' && b <= '9') {
                out[i] = (byte) (b == '9' ? '1' : b + 1);
                return out;
            }
        }
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
        longer[body.length] = ' ';
        return longer;
    }
}
