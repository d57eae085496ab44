import { defaultHostedZoneName, selectedAvailabilityZones, type StackAnswers } from '../../src/answers/index.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../src/package-info.js';
import { imageRepositoryOf, stackNameOf } from '../../src/project/stack-name.js';

/** What the EJS templates see. Nothing time- or machine-dependent, so output is reproducible. */
export function templateData(answers: StackAnswers) {
  return {
    answers,
    stackName: stackNameOf(answers.name),
    imageRepository: imageRepositoryOf(stackNameOf(answers.name)),
    availabilityZones: selectedAvailabilityZones(answers),
    hostedZoneName: answers.domainName && answers.hostedZone ? (answers.hostedZoneName ?? defaultHostedZoneName(answers.domainName)) : undefined,
    generator: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
  };
}
