package dev.yard.backend.cost;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.yard.ir.YardException;

/** The top-level JSON object of a user's file, or one line of bad input naming the file. */
final class JsonFiles {
    private JsonFiles() {}

    static JsonObject object(String file, String text) {
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            // Gson appends a troubleshooting link on a second line; the report is one line.
            throw YardException.badInput(
                    file + ": not JSON: " + why.lines().findFirst().orElse(""), e);
        }
        if (!root.isJsonObject()) {
            throw YardException.badInput(file + ": not a JSON object");
        }
        return root.getAsJsonObject();
    }
}
