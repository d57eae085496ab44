import { defaultHostedZoneName, selectedAvailabilityZones, stagesOf, type StackAnswers } from '../../src/answers/index.js';
import { COST_ITEMS, estimateMonthlyCost, formatDollars } from '../../src/costs/estimate.js';
import { PRICE_TABLE } from '../../src/costs/prices.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../src/package-info.js';
import { imageRepositoryOf, stackNameOf } from '../../src/project/stack-name.js';

/** What the EJS templates see. Nothing time- or machine-dependent, so output is reproducible. */
export function templateData(answers: StackAnswers) {
  const stages = stagesOf(answers).map((stage) => ({
    ...stage,
    imageRepository: imageRepositoryOf(stage.stackName),
    variableSuffix: stage.name.toUpperCase(),
    cost: estimateMonthlyCost(stage, answers),
  }));
  const accounts = [...new Set(stages.map((stage) => stage.account))];
  return {
    answers,
    stackName: stackNameOf(answers.name),
    imageRepository: imageRepositoryOf(stackNameOf(answers.name)),
    availabilityZones: selectedAvailabilityZones(answers),
    stages,
    /** The CI-access stacks, one per account (templates/src/naming.ts names them the same way). */
    ciAccessStacks: accounts.map((account) => {
      const members = stages.filter((stage) => stage.account === account);
      const suffix = accounts.length > 1 ? `-${members[0]!.name}` : '';
      return { account, stackName: `${stackNameOf(answers.name)}-ci-access${suffix}`, stages: members };
    }),
    prices: PRICE_TABLE,
    costItems: COST_ITEMS,
    dollars: formatDollars,
    hostedZoneName: answers.domainName && answers.hostedZone ? (answers.hostedZoneName ?? defaultHostedZoneName(answers.domainName)) : undefined,
    generator: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
  };
}
