package dev.omnibridge.config;

/**
 * One thing wrong with a configuration. {@code instanceId} and {@code key} are null when the problem is not tied
 * to one instance or one setting.
 */
public record ConfigProblem(String instanceId, String key, String message) {
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (instanceId != null) {
            sb.append("instance '").append(instanceId).append("': ");
        }
        if (key != null) {
            sb.append("'").append(key).append("': ");
        }
        return sb.append(message).toString();
    }
}
