package dev.omnibridge.connector.email.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A Google service account's JSON key file ({@code "type": "service_account"}): the account's address, its private
 * key (PKCS #8 PEM) and key id, its numeric client id (what domain-wide delegation is granted to) and token URI.
 * {@code toString} never shows the key.
 */
record ServiceAccountKey(String clientEmail, String clientId, String keyId, PrivateKey privateKey, URI tokenUri) {
    static final URI GOOGLE_TOKEN_URI = URI.create("https://oauth2.googleapis.com/token");

    /** @throws IllegalArgumentException naming what is wrong with the file, never quoting the key */
    static ServiceAccountKey read(Path file) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("oauthKeyFile " + file + " cannot be read as JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (json == null || !"service_account".equals(json.path("type").asText())) {
            throw new IllegalArgumentException("oauthKeyFile " + file + " is not a service account key file "
                    + "(\"type\": \"service_account\"); create a JSON key for the service account");
        }
        String email = json.path("client_email").asText("");
        String pem = json.path("private_key").asText("");
        if (email.isBlank() || pem.isBlank()) {
            throw new IllegalArgumentException("oauthKeyFile " + file + " has no client_email or private_key");
        }
        String tokenUri = json.path("token_uri").asText("");
        return new ServiceAccountKey(email, json.path("client_id").asText(""), json.path("private_key_id").asText(""),
                privateKey(pem, file), tokenUri.isBlank() ? GOOGLE_TOKEN_URI : URI.create(tokenUri));
    }

    private static PrivateKey privateKey(String pem, Path file) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getDecoder().decode(base64)));
        } catch (Exception e) {
            throw new IllegalArgumentException("oauthKeyFile " + file + ": private_key is not an RSA key in "
                    + "PKCS #8 PEM form");
        }
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[" + clientEmail + ", keyId=" + keyId + "]";
    }
}
