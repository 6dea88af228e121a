package dev.omnibridge.hub.runtime;

public enum InstanceState {
    STARTING, RUNNING, FAILED, STOPPED
}
