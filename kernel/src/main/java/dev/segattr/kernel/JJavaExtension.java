package dev.segattr.kernel;

import org.dflib.jjava.jupyter.Extension;
import org.dflib.jjava.jupyter.kernel.BaseKernel;

/**
 * segattr's rich objects in a stock JJava kernel: attributions as their segment view, heat maps, segment tables and
 * Tablesaw tables as HTML, XChart charts as PNG, as in segattr's own kernel.
 *
 * <p>JJava finds this class through {@link java.util.ServiceLoader} ({@code META-INF/services/org.dflib.jjava.jupyter.Extension})
 * when a cell adds this jar with {@code %maven dev.segattr:segattr-kernel:VERSION} (after {@code mvn install}) or
 * {@code %jars}, or when it is on {@code JJAVA_CLASSPATH} (jjava issue #71, fixed in 1.0-a6). JJava looks for
 * extensions in a class loader whose parent is the cells' own, so the classes registered here are the ones cells
 * create. segattr's kernel does not load extensions: it registers the same renderers itself.
 */
public final class JJavaExtension implements Extension {

    @Override
    public void install(BaseKernel kernel) {
        Displays.register(kernel.getRenderer());
    }
}
