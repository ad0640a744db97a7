package org.llmplayground.core.net;

import okhttp3.Dns;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Outgoing fetches that a URL from a user (or from a page's redirect) must not turn against this machine or its
 * network (server-side request forgery): loopback, link-local (cloud metadata at 169.254.169.254), private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), multicast and the unspecified address are
 * refused unless {@code allowPrivate}. The check runs twice on every hop of a fetch, redirects included:
 * on the addresses a host name resolves to, before connecting ({@link Dns}), and on the address actually
 * connected to, before a byte of the request is sent (a network interceptor; it also covers URLs that name an IP
 * address, which never go through DNS).
 */
public final class PublicAddresses {
    private PublicAddresses() {
    }

    /** A fetch refused because its target is not a public address; the message says which and how to allow it. */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }

    /** The kind of non-public address {@code a} is, or null when it is public. */
    public static String nonPublic(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (a.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (a.isSiteLocalAddress()) {
            return "a private address";
        }
        if (a.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "a private address"; // fc00::/7, unique local
        }
        if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return "a carrier-grade NAT address"; // 100.64.0.0/10
        }
        if (b.length == 4 && (b[0] & 0xff) == 0) {
            return "a 'this network' address"; // 0.0.0.0/8
        }
        return null;
    }

    static Refused refused(String host, InetAddress a, String kind) {
        return new Refused("refused: " + host + " is " + kind + " (" + a.getHostAddress() + "); fetching from this machine's own "
                + "network is off unless playground.fetch.allow-private=true");
    }

    /** The client with both checks, unless {@code allowPrivate}. */
    public static OkHttpClient.Builder guard(OkHttpClient.Builder builder, boolean allowPrivate) {
        if (allowPrivate) {
            return builder;
        }
        return builder.dns(new GuardedDns()).addInterceptor(LITERAL).addNetworkInterceptor(CONNECTED);
    }

    /** A URL that names an IP address skips DNS: check it before connecting at all. */
    private static final Interceptor LITERAL = chain -> {
        String host = chain.request().url().host();
        if (host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            InetAddress a = InetAddress.getByName(host); // a literal: parsed, never looked up
            String kind = nonPublic(a);
            if (kind != null) {
                throw refused(host, a, kind);
            }
        }
        return chain.proceed(chain.request());
    };

    private static final class GuardedDns implements Dns {
        @Override
        public List<InetAddress> lookup(String host) throws UnknownHostException {
            List<InetAddress> all = Dns.SYSTEM.lookup(host);
            for (InetAddress a : all) {
                String kind = nonPublic(a);
                if (kind != null) { // one private answer is enough to refuse: the client might pick it
                    UnknownHostException e = new UnknownHostException(refused(host, a, kind).getMessage());
                    throw e;
                }
            }
            return all;
        }
    }

    private static final Interceptor CONNECTED = chain -> {
        if (chain.connection() != null) {
            InetAddress a = chain.connection().socket().getInetAddress();
            String kind = a == null ? null : nonPublic(a);
            if (kind != null) {
                throw refused(chain.request().url().host(), a, kind);
            }
        }
        return chain.proceed(chain.request());
    };
}
