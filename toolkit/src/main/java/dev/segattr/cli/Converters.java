package dev.segattr.cli;

import dev.segattr.BadInputException;
import dev.segattr.attribution.PointScheme;
import dev.segattr.sft.TrainingData;
import dev.segattr.stage.AttributeStage;
import dev.segattr.stage.ComputeDevice;
import dev.segattr.stage.Dtype;
import dev.segattr.stage.SelectStage;
import picocli.CommandLine.ITypeConverter;

/**
 * The enum options' converters. Each refuses a bad value with the line segattr has always printed ("--policy must
 * be reference, ...") rather than picocli's wording: {@link Main} prints a {@link BadInputException} raised while
 * parsing as it prints one raised while running.
 */
final class Converters {

    private Converters() {
    }

    static final class Policy implements ITypeConverter<SelectStage.Policy> {
        @Override
        public SelectStage.Policy convert(String value) {
            return SelectStage.Policy.parse(value);
        }
    }

    static final class Baseline implements ITypeConverter<AttributeStage.BaselineKind> {
        @Override
        public AttributeStage.BaselineKind convert(String value) {
            return AttributeStage.BaselineKind.parse(value);
        }
    }

    static final class Points implements ITypeConverter<PointScheme> {
        @Override
        public PointScheme convert(String value) {
            try {
                return PointScheme.parse(value);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--points: " + e.getMessage());
            }
        }
    }

    /** "auto" (K chosen per trace) or a number of path points per pass. */
    static final class Batch implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.equals("auto")) {
                return dev.segattr.attribution.IntegratedGradients.AUTO_BATCH;
            }
            try {
                int k = Integer.parseInt(value);
                if (k >= 1) {
                    return k;
                }
            } catch (NumberFormatException e) {
                // the message below
            }
            throw new BadInputException("--batch must be auto or at least 1, got '" + value + "'");
        }
    }

    static final class Precision implements ITypeConverter<Dtype> {
        @Override
        public Dtype convert(String value) {
            return Dtype.parse("--dtype", value);
        }
    }

    static final class Device implements ITypeConverter<ComputeDevice> {
        @Override
        public ComputeDevice convert(String value) {
            return ComputeDevice.parse(value);
        }
    }

    static final class Mask implements ITypeConverter<TrainingData.MaskMode> {
        @Override
        public TrainingData.MaskMode convert(String value) {
            return TrainingData.MaskMode.parse(value);
        }
    }
}
