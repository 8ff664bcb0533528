// Runs W3C EPUBCheck on several EPUBs in one JVM (its command line takes one file): publish's release
// validator (src/publish/release/validators.py). Started with Java's source-file mode, with the
// EPUBCheck jar on the class path:
//   java -cp epubcheck.jar EpubCheckBatch.java IN1.epub OUT1.json [EXTRA…] -- IN2.epub OUT2.json [EXTRA…] …
// Each group of arguments is what `java -jar epubcheck.jar IN --json OUT EXTRA…` would get; a fresh
// checker per file, so nothing is shared between files but the loaded classes and the warmed-up JIT.
// Exit status: 0 when every file was checked (the verdicts are in the JSON reports), 2 on a bad call.
// With the one argument --stdin it serves a whole release instead: each line read is one group, its
// arguments separated by tabs; "done" is printed (and flushed) when that file's report is written, and
// the JVM ends at the end of its input. The release feeds it each EPUB as soon as the file exists.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class EpubCheckBatch {
    static void check(List<String> group) {
        List<String> call = new ArrayList<>();
        call.add(group.get(0));
        call.add("--json");
        call.add(group.get(1));
        call.add("--quiet");
        call.addAll(group.subList(2, group.size()));
        new EpubChecker().run(call.toArray(new String[0]));
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--stdin")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                List<String> group = Arrays.asList(line.split("\t"));
                if (group.size() < 2) {
                    System.out.println("bad " + line);
                } else {
                    check(group);
                    System.out.println("done");
                }
                System.out.flush();
            }
            System.exit(0);
        }
        List<List<String>> groups = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--")) {
                groups.add(current);
                current = new ArrayList<>();
            } else {
                current.add(arg);
            }
        }
        groups.add(current);
        for (List<String> group : groups) {
            if (group.size() < 2) {
                System.err.println("EpubCheckBatch: each file needs IN.epub OUT.json, got " + group);
                System.exit(2);
            }
            check(group);
        }
        System.exit(0);
    }
}
