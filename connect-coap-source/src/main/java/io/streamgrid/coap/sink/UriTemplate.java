package io.streamgrid.coap.sink;

import io.streamgrid.common.format.Buffers;
import io.streamgrid.common.projection.RecordFields;
import io.streamgrid.common.projection.RecordView;
import io.streamgrid.common.template.NameTemplate;
import io.streamgrid.kcql.FieldPath;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * A statement's target, a coap:// or coaps:// URI whose parts may come from each record:
 * {@code coap://${host}:5683/actuators/${device_id}/led}, {@code coaps://gw/d/${_key}?cmd=${action}}. Where each
 * {@code ${...}} stands (host, port, a path segment, the query) decides what its value may hold, so that no value
 * can change the URI's structure: a value with a '/' never reaches another resource, one with '?' never becomes a
 * query, one with ':' or '@' never another host. Such a value, an empty or a missing one, makes the record a bad
 * record. Other characters a path or query cannot hold as they are (a space, 'é', '%') are percent-encoded.
 */
final class UriTemplate {

    /** Where in the URI a reference stands. */
    enum Place {
        HOST("a host name (letters, digits, '.' and '-')"),
        IPV6_HOST("an IPv6 address (hex digits, ':' and '.')"),
        PORT("a port number (1 to 65535)"),
        PATH("one path segment (no '/', '?' or '#', and not '.' or '..')"),
        QUERY("a query value (no '&' or '#')");

        final String holds;

        Place(String holds) {
            this.holds = holds;
        }
    }

    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** RFC 3986 pchar without percent-encoding: unreserved, sub-delims, ':' and '@'. */
    private static final String PATH_SAFE = "-._~!$&'()*+,;=:@";

    private final NameTemplate template;
    private final boolean secure;
    private final List<FieldPath> paths;
    private final List<Place> places;

    private UriTemplate(NameTemplate template, boolean secure, List<FieldPath> paths, List<Place> places) {
        this.template = template;
        this.secure = secure;
        this.paths = List.copyOf(paths);
        this.places = List.copyOf(places);
    }

    /**
     * Reads a target; one that is not a coap:// or coaps:// URI, or whose references stand where no value could be
     * checked (user info, a fragment), is an IllegalArgumentException saying why.
     *
     * @param aliases the SELECT list's aliases and the fields they name: {@code ${id}} reads what {@code device_id AS
     *                id} selects
     */
    static UriTemplate parse(String written, Map<String, FieldPath> aliases) {
        NameTemplate template = NameTemplate.parse(written);
        List<NameTemplate.Part> parts = template.parts();
        String head = parts.isEmpty() || parts.get(0).reference() ? "" : parts.get(0).text().toLowerCase(Locale.ROOT);
        boolean secure = head.startsWith("coaps://");
        if (!secure && !head.startsWith("coap://")) {
            throw new IllegalArgumentException("the target must be a URI starting with coap:// or coaps://, as "
                    + "coap://${host}:5683/actuators/${device_id}/led");
        }
        List<FieldPath> paths = new ArrayList<>();
        List<Place> places = new ArrayList<>();
        Scanner scanner = new Scanner(secure ? "coaps://".length() : "coap://".length());
        for (NameTemplate.Part part : parts) {
            if (part.reference()) {
                FieldPath path = aliases.get(part.text());
                paths.add(path != null ? path : FieldPath.parse(part.text()));
                places.add(scanner.place());
            } else {
                scanner.read(part.text());
            }
        }
        UriTemplate uri = new UriTemplate(template, secure, paths, places);
        uri.build(places.stream().map(UriTemplate::sample).toList()); // the literal text must make a URI too
        return uri;
    }

    /** Follows the literal text of the target through the URI's parts. */
    private static final class Scanner {
        private Place place = Place.HOST;
        private boolean inBrackets;
        private int skip;

        Scanner(int schemeLength) {
            this.skip = schemeLength;
        }

        Place place() {
            return inBrackets ? Place.IPV6_HOST : place;
        }

        void read(String literal) {
            for (int i = skip; i < literal.length(); i++) {
                char c = literal.charAt(i);
                if (c == '#') {
                    throw new IllegalArgumentException("a CoAP URI has no fragment ('#')");
                }
                if (place == Place.HOST || place == Place.PORT) {
                    switch (c) {
                        case '[' -> inBrackets = true;
                        case ']' -> inBrackets = false;
                        case ':' -> place = inBrackets ? place : Place.PORT;
                        case '/' -> place = Place.PATH;
                        case '?' -> place = Place.QUERY;
                        case '@' -> throw new IllegalArgumentException("a CoAP URI has no user info ('@' before the "
                                + "host)");
                        default -> {
                        }
                    }
                } else if (place == Place.PATH && c == '?') {
                    place = Place.QUERY;
                }
            }
            skip = 0;
        }
    }

    private static String sample(Place place) {
        return switch (place) {
            case PORT -> "1";
            case IPV6_HOST -> "::1";
            default -> "x";
        };
    }

    boolean secure() {
        return secure;
    }

    /** The field each reference reads, in order. */
    List<FieldPath> paths() {
        return paths;
    }

    /** The URI for one record; a value that cannot stand where it stands is a DataException naming the record. */
    URI resolve(RecordView record, RecordFields fields) {
        List<String> values = new ArrayList<>(paths.size());
        try {
            for (int i = 0; i < paths.size(); i++) {
                values.add(checked(i, text(fields.read(record, paths.get(i)), i)));
            }
            return build(values);
        } catch (IllegalArgumentException e) {
            throw new DataException("Record " + record.describe() + " cannot give the URI '" + template + "': "
                    + e.getMessage(), e);
        }
    }

    private String text(Object value, int reference) {
        if (value == null) {
            throw new IllegalArgumentException(name(reference) + " has no value");
        }
        if (value instanceof Struct || value instanceof Map || value instanceof Collection) {
            throw new IllegalArgumentException(name(reference) + " is a " + value.getClass().getSimpleName()
                    + ", not a single value");
        }
        String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : value instanceof ByteBuffer buffer ? new String(Buffers.toArray(buffer), StandardCharsets.UTF_8)
                : String.valueOf(value);
        if (text.isEmpty()) {
            throw new IllegalArgumentException(name(reference) + " is empty");
        }
        return text;
    }

    private String checked(int reference, String value) {
        Place place = places.get(reference);
        boolean fits = switch (place) {
            case HOST -> value.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-'));
            case IPV6_HOST -> value.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
            case PORT -> value.length() <= 5 && value.chars().allMatch(c -> c >= '0' && c <= '9')
                    && Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 65535;
            case PATH -> value.indexOf('/') < 0 && value.indexOf('?') < 0 && value.indexOf('#') < 0
                    && !value.equals(".") && !value.equals("..");
            case QUERY -> value.indexOf('&') < 0 && value.indexOf('#') < 0;
        };
        if (!fits) {
            throw new IllegalArgumentException(name(reference) + " is '" + value + "', which is not " + place.holds);
        }
        return switch (place) {
            case PATH -> encode(value, PATH_SAFE);
            case QUERY -> encode(value, PATH_SAFE + "/?");
            default -> value;
        };
    }

    private String name(int reference) {
        return "'${" + template.references().get(reference) + "}'";
    }

    private URI build(List<String> values) {
        StringBuilder text = new StringBuilder();
        int next = 0;
        for (NameTemplate.Part part : template.parts()) {
            text.append(part.reference() ? values.get(next++) : part.text());
        }
        URI uri;
        try {
            uri = new URI(text.toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URI: " + e.getMessage(), e);
        }
        if (uri.getHost() == null) {
            String authority = uri.getRawAuthority();
            throw new IllegalArgumentException(authority == null || authority.isEmpty() ? "'" + text + "' names no host"
                    : "'" + withoutPort(authority) + "' is not a host name or IP address");
        }
        checkHost(uri.getHost());
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("port " + uri.getPort() + " is not a port number (1 to 65535)");
        }
        return uri;
    }

    /** The four bytes of a dotted quad, each at most 255; else not an address (nor, all digits, a name). */
    private static byte[] ipv4(String host) {
        String[] parts = host.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(parts[i]);
            if (part > 255) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
            }
            bytes[i] = (byte) part;
        }
        return bytes;
    }

    private static String withoutPort(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
    }

    /**
     * What java.net.URI leaves open about a host: a name's lengths and that it is no number, and an address that is
     * no one device's (multicast, broadcast, the wildcard), to which the sink could never send a request.
     */
    private static void checkHost(String host) {
        boolean ipv6 = host.startsWith("[");
        boolean ipv4 = !ipv6 && DOTTED_QUAD.matcher(host).matches();
        if (!ipv6 && !ipv4) {
            String[] labels = host.split("\\.");
            boolean fits = host.length() <= 253 && Arrays.stream(labels).allMatch(l -> l.length() <= 63)
                    && !labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9');
            if (!fits) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
            }
            return;
        }
        InetAddress address;
        try {
            address = ipv6 ? InetAddress.getByName(host) : InetAddress.getByAddress(ipv4(host)); // no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address", e);
        }
        String written = ipv6 ? host : address.getHostAddress();
        if (address.isMulticastAddress()) {
            throw new IllegalArgumentException(written + " is a multicast address, not one device's");
        }
        if (address.getHostAddress().equals("255.255.255.255")) {
            throw new IllegalArgumentException(written + " is the broadcast address, not one device's");
        }
        if (address.isAnyLocalAddress()) {
            throw new IllegalArgumentException(written + " is no device's address");
        }
    }

    /** Percent-encodes the UTF-8 bytes of every character that is neither a letter, a digit nor in {@code safe}. */
    private static String encode(String value, String safe) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || safe.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return template.toString();
    }
}
