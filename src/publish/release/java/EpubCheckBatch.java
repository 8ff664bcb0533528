// Runs W3C EPUBCheck on several EPUBs in one JVM (its command line takes one file): publish's release
// validator (src/publish/release/validators.py). Started with Java's source-file mode, with the
// EPUBCheck jar on the class path:
//   java -cp epubcheck.jar EpubCheckBatch.java IN1.epub OUT1.json [EXTRA…] -- IN2.epub OUT2.json [EXTRA…] …
// Each group of arguments is what `java -jar epubcheck.jar IN --json OUT EXTRA…` would get; a fresh
// checker per file, so nothing is shared between files but the loaded classes and the warmed-up JIT.
// Exit status: 0 when every file was checked (the verdicts are in the JSON reports), 2 on a bad call.
import com.adobe.epubcheck.tool.EpubChecker;
import java.util.ArrayList;
import java.util.List;

public class EpubCheckBatch {
    public static void main(String[] args) {
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
            List<String> call = new ArrayList<>();
            call.add(group.get(0));
            call.add("--json");
            call.add(group.get(1));
            call.add("--quiet");
            call.addAll(group.subList(2, group.size()));
            new EpubChecker().run(call.toArray(new String[0]));
        }
        System.exit(0);
    }
}
