import java.io.*;
import java.math.*;
import java.nio.file.*;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;
import dev.segattr.notebook.*;
import dev.segattr.viz.*;
import static dev.segattr.kernel.NotebookStatics.*;
