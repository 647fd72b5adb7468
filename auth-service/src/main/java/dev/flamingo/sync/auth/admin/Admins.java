package dev.flamingo.sync.auth.admin;

import dev.flamingo.sync.auth.account.AccountStore;
import dev.flamingo.sync.auth.account.AccountStore.Account;
import dev.flamingo.sync.common.bus.RequestContext;
import dev.flamingo.sync.common.bus.ServiceException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who the admins are: the accounts whose e-mail is in {@code FLAMINGO_ADMIN_EMAILS}. auth-service checks it on
 * every admin address (the gateway checks it too, from the login's validation, before it asks anyone).
 */
public final class Admins {
  private final Set<String> emails;
  private final AccountStore accounts;

  public Admins(List<String> emails, AccountStore accounts) {
    this.emails = emails.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    this.accounts = accounts;
  }

  public boolean isAdmin(String email) {
    return email != null && emails.contains(email.toLowerCase(Locale.ROOT));
  }

  /** The calling account, when it is an admin's and not disabled; else 403 "Admins only" (401 without one). */
  public Future<Account> require(RequestContext ctx) {
    long id = ctx.requireAccount();
    return accounts.byId(id).map(account -> {
      if (account == null || account.disabled() || !isAdmin(account.email())) {
        throw new ServiceException(403, "Admins only");
      }
      return account;
    });
  }
}
