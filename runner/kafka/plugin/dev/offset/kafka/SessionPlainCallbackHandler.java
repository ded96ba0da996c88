package dev.offset.kafka;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;

/**
 * Accepts SASL/PLAIN logins whose password is HMAC-SHA256(secret, username) in hex. The runner derives each
 * learner session's password the same way, so sessions need no user database, and the prefixed ACLs the runner
 * grants to "User:<session>" keep every learner inside their own topics, groups and transactional ids.
 * The secret comes from the listener's JAAS options: PlainLoginModule required secret="...";
 */
public final class SessionPlainCallbackHandler implements AuthenticateCallbackHandler {
  private byte[] secret = new byte[0];

  @Override
  public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> entries) {
    for (AppConfigurationEntry entry : entries) {
      Object value = entry.getOptions().get("secret");
      if (value instanceof String s && !s.isEmpty()) secret = s.getBytes(StandardCharsets.UTF_8);
    }
    if (secret.length == 0) throw new IllegalArgumentException("SessionPlainCallbackHandler needs a secret JAAS option");
  }

  @Override
  public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
    String username = null;
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback name) username = name.getDefaultName();
      else if (callback instanceof PlainAuthenticateCallback plain) plain.authenticated(username != null && matches(username, plain.password()));
      else throw new UnsupportedCallbackException(callback);
    }
  }

  private boolean matches(String username, char[] password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] expected = HexFormat.of().formatHex(mac.doFinal(username.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
      byte[] given = new String(password).getBytes(StandardCharsets.UTF_8);
      return MessageDigest.isEqual(expected, given);
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {}
}
