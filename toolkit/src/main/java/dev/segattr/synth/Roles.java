package dev.segattr.synth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segattr.BadInputException;
import dev.segattr.trace.Trace;

import java.util.ArrayList;
import java.util.List;

/** Reading the ground-truth roles that synthetic records carry in {@code segment_roles}. */
public final class Roles {

    /** The record field: one role name per segment. */
    public static final String FIELD = "segment_roles";

    private Roles() {
    }

    /** Whether a trace carries ground-truth roles. */
    public static boolean present(Trace trace) {
        JsonNode node = trace.field(FIELD);
        return node != null && !node.isNull();
    }

    /**
     * The roles of a trace's segments. Complains (naming the record and the field) when they are missing, not
     * role names, or not one per segment of the record's {@code segments}.
     */
    public static List<Role> of(Trace trace) {
        JsonNode node = trace.field(FIELD);
        String where = "record " + trace.id() + ": field '" + FIELD + "'";
        if (node == null || node.isNull()) {
            throw new BadInputException(where + " is missing (only synthetic records carry ground-truth roles)");
        }
        if (!node.isArray()) {
            throw new BadInputException(where + ": expected an array of role names");
        }
        List<Role> roles = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            try {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException("expected a role name, got " + item.getNodeType().toString().toLowerCase());
                }
                roles.add(Role.parse(item.asText()));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(where + "[" + i + "]: " + e.getMessage());
            }
        }
        List<String> segments = trace.segmentsField();
        if (segments != null && segments.size() != roles.size()) {
            throw new BadInputException(where + ": " + roles.size() + " roles for " + segments.size() + " segments");
        }
        return roles;
    }

    /** For each role, whether it is important (essential or reflective). */
    public static boolean[] important(List<Role> roles) {
        boolean[] out = new boolean[roles.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = roles.get(i).important();
        }
        return out;
    }
}
