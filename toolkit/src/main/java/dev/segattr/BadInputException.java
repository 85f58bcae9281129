package dev.segattr;

/**
 * Input that segattr cannot use, with where it was found. The message is one line that a user can act on
 * ("traces.jsonl:12: field 'answer': expected a string, got an array"); the command line prints it and
 * exits with code 2.
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "file:line: message", the form compilers use, so editors can jump to it. */
    public static BadInputException at(Object file, long line, String message) {
        return new BadInputException(file + ":" + line + ": " + message);
    }
}
